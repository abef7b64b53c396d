import { page, success, successMessage } from '../../pkg/response/response.js';
import { paginatorOf } from '../../pkg/paginator/paginator.js';
import { currentActor, currentWorkspaceId } from '../middleware/auth.js';
import type { pageQuery } from '../schema/common-schema.js';
import {
  datasetView,
  retrievedView,
  type createDatasetBody,
  type datasetParams,
  type hitBody,
  type queriesQuery,
  type updateDatasetBody,
} from '../schema/dataset-schema.js';
import { unixSeconds } from '../lib/time.js';
import type { DatasetService } from '../service/dataset-service.js';
import type { RetrievalService } from '../service/retrieval-service.js';
import type { Validated } from './request-types.js';

export class DatasetHandler {
  constructor(
    private readonly datasets: DatasetService,
    private readonly retrieval: RetrievalService,
  ) {}

  create = async (req: Validated<{ body: typeof createDatasetBody }>) => {
    const dataset = await this.datasets.create(currentActor(req), req.body);
    return success(datasetView(dataset, undefined), 'dataset created');
  };

  get = async (req: Validated<{ params: typeof datasetParams }>) => {
    const dataset = await this.datasets.get(currentWorkspaceId(req), req.params.dataset_id);
    const [stats, apps] = await Promise.all([this.datasets.stats([dataset.id]), this.datasets.appsUsing(dataset.workspaceId, dataset.id)]);
    return success({ ...datasetView(dataset, stats.get(dataset.id)), apps });
  };

  update = async (req: Validated<{ params: typeof datasetParams; body: typeof updateDatasetBody }>) => {
    const dataset = await this.datasets.update(currentWorkspaceId(req), req.params.dataset_id, req.body);
    const stats = await this.datasets.stats([dataset.id]);
    return success(datasetView(dataset, stats.get(dataset.id)), 'dataset updated');
  };

  delete = async (req: Validated<{ params: typeof datasetParams }>) => {
    await this.datasets.delete(currentWorkspaceId(req), req.params.dataset_id);
    return successMessage('dataset deleted');
  };

  list = async (req: Validated<{ query: typeof pageQuery }>) => {
    const pageRequest = { currentPage: req.query.current_page, pageSize: req.query.page_size };
    const { list, total } = await this.datasets.list(currentWorkspaceId(req), {
      ...pageRequest,
      searchWord: req.query.search_word || undefined,
    });
    const stats = await this.datasets.stats(list.map((d) => d.id));
    return page(
      list.map((d) => datasetView(d, stats.get(d.id))),
      paginatorOf(pageRequest, total),
    );
  };

  hit = async (req: Validated<{ params: typeof datasetParams; body: typeof hitBody }>) => {
    const { query, retrieval_strategy, k, score } = req.body;
    const records = await this.retrieval.hitTest(currentWorkspaceId(req), req.params.dataset_id, query, {
      strategy: retrieval_strategy,
      k,
      score,
    });
    return success({ query, records: records.map(retrievedView) });
  };

  queries = async (req: Validated<{ params: typeof datasetParams; query: typeof queriesQuery }>) => {
    const rows = await this.datasets.recentQueries(currentWorkspaceId(req), req.params.dataset_id, req.query.limit);
    return success(rows.map((q) => ({ id: q.id, query: q.query, source: q.source, created_at: unixSeconds(q.createdAt) })));
  };
}
