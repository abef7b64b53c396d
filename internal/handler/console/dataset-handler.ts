import { page, success, successMessage } from '../../../pkg/response/response.js';
import { paginatorOf } from '../../../pkg/paginator/paginator.js';
import { currentActor } from '../../middleware/auth.js';
import type { pageQuery } from '../../schema/common-schema.js';
import {
  datasetView,
  retrievedView,
  type createDatasetBody,
  type datasetParams,
  type hitBody,
  type queriesQuery,
  type updateDatasetBody,
} from '../../schema/dataset-schema.js';
import { unixSeconds } from '../../lib/time.js';
import type { DatasetService } from '../../service/knowledge/dataset-service.js';
import type { RetrievalService } from '../../service/knowledge/retrieval-service.js';
import type { Validated } from '../request-types.js';

export class DatasetHandler {
  constructor(
    private readonly datasets: DatasetService,
    private readonly retrieval: RetrievalService,
  ) {}

  create = async (req: Validated<{ body: typeof createDatasetBody }>) => {
    const dataset = await this.datasets.create(currentActor(req), req.body);
    const members = await this.datasets.access.members([dataset.id]);
    return success(datasetView(dataset, undefined, members.get(dataset.id)), 'dataset created');
  };

  get = async (req: Validated<{ params: typeof datasetParams }>) => {
    const dataset = await this.datasets.access.check(currentActor(req), req.params.dataset_id);
    const [stats, apps, members] = await Promise.all([
      this.datasets.stats([dataset.id]),
      this.datasets.appsUsing(dataset.workspaceId, dataset.id),
      this.datasets.access.members([dataset.id]),
    ]);
    return success({ ...datasetView(dataset, stats.get(dataset.id), members.get(dataset.id)), apps });
  };

  update = async (req: Validated<{ params: typeof datasetParams; body: typeof updateDatasetBody }>) => {
    const actor = currentActor(req);
    const { permission, partial_member_list, ...settings } = req.body;
    const current = await this.datasets.access.check(actor, req.params.dataset_id);
    if (permission) await this.datasets.access.set(actor, current, permission, partial_member_list);
    const dataset = await this.datasets.update(actor.workspaceId, current.id, settings);
    const [stats, members] = await Promise.all([this.datasets.stats([dataset.id]), this.datasets.access.members([dataset.id])]);
    return success(datasetView(dataset, stats.get(dataset.id), members.get(dataset.id)), 'dataset updated');
  };

  delete = async (req: Validated<{ params: typeof datasetParams }>) => {
    const dataset = await this.datasets.access.check(currentActor(req), req.params.dataset_id);
    await this.datasets.delete(dataset.workspaceId, dataset.id);
    return successMessage('dataset deleted');
  };

  list = async (req: Validated<{ query: typeof pageQuery }>) => {
    const pageRequest = { currentPage: req.query.current_page, pageSize: req.query.page_size };
    const { list, total } = await this.datasets.list(currentActor(req), {
      ...pageRequest,
      searchWord: req.query.search_word || undefined,
    });
    const ids = list.map((d) => d.id);
    const [stats, members] = await Promise.all([this.datasets.stats(ids), this.datasets.access.members(ids)]);
    return page(
      list.map((d) => datasetView(d, stats.get(d.id), members.get(d.id))),
      paginatorOf(pageRequest, total),
    );
  };

  hit = async (req: Validated<{ params: typeof datasetParams; body: typeof hitBody }>) => {
    const { query, retrieval_strategy, k, score } = req.body;
    const dataset = await this.datasets.access.check(currentActor(req), req.params.dataset_id);
    const records = await this.retrieval.hitTest(dataset.workspaceId, dataset.id, query, {
      strategy: retrieval_strategy,
      k,
      score,
    });
    return success({ query, records: records.map(retrievedView) });
  };

  queries = async (req: Validated<{ params: typeof datasetParams; query: typeof queriesQuery }>) => {
    const dataset = await this.datasets.access.check(currentActor(req), req.params.dataset_id);
    const rows = await this.datasets.recentQueries(dataset.workspaceId, dataset.id, req.query.limit);
    return success(rows.map((q) => ({ id: q.id, query: q.query, source: q.source, created_at: unixSeconds(q.createdAt) })));
  };
}
