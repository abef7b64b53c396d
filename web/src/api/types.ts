import type { paths } from './schema';

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type DataOf<B> = B extends { data: infer D } ? D : never;

/** The `data` of a GET route's successful answer, as the OpenAPI document describes it. */
export type GetData<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } } ? DataOf<Json<R>> : never;
/** The `data` of a POST route's successful answer. */
export type PostData<P extends keyof paths> = paths[P] extends { post: { responses: { 200: infer R } } } ? DataOf<Json<R>> : never;
/** A POST route's JSON body. */
export type PostBody<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } }
  ? B
  : never;

export type AppItem = GetData<'/apps'>['list'][number];
export type Provider = GetData<'/llm-models'>[number];
export type ModelItem = Provider['models'][number];
export type DraftConfig = GetData<'/apps/{app_id}/draft-app-config'>;
export type ApiKeyItem =
  GetData<'/apps/{app_id}/api-keys'> extends infer D
    ? D extends { list: Array<infer K> }
      ? K
      : D extends Array<infer K>
        ? K
        : never
    : never;
export type Dataset = GetData<'/datasets'>['list'][number];
export type DocumentItem = GetData<'/datasets/{dataset_id}/documents'>['list'][number];
export type Account = GetData<'/account'>;
export type Workspace =
  GetData<'/workspaces'> extends Array<infer W> ? W : GetData<'/workspaces'> extends { list: Array<infer W> } ? W : never;
