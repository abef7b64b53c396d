import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { success } from '../../../pkg/response/response.js';
import { DSL_VERSION } from '../../core/dsl/chat-dsl.js';
import { FailError } from '../../exception/app-error.js';
import { currentActor, currentWorkspaceId } from '../../middleware/auth.js';
import { appConfigItem } from '../../schema/app-config-schema.js';
import type { exportQuery, importBody, importResult } from '../../schema/app-dsl-schema.js';
import { workflowSpecFields } from '../../schema/workflow-schema.js';
import type { AppConfig } from '../../entity/app-config-entity.js';
import type { WorkflowSpec } from '../../entity/workflow-entity.js';
import { z } from 'zod';
import { icon, type appIdParams } from '../../schema/app-schema.js';
import { DslImportError, type AppDslService } from '../../service/apps/app-dsl-service.js';
import type { Validated } from '../request-types.js';
import { disconnectSignal } from '../sse-response.js';

type ImportResult = z.infer<typeof importResult>;
const workflowSpec = z.object(workflowSpecFields);

/** Apps as Dify DSL files: import (with warnings for what this workspace lacks) and export. */
export class AppDslHandler {
  constructor(private readonly dsl: AppDslService) {}

  import = async (req: Validated<{ body: typeof importBody }>, reply: FastifyReply) => {
    const actor = currentActor(req);
    const { body } = req;
    const id = randomUUID();
    const failed = (error: string, version = '') => {
      const result: ImportResult = {
        id,
        status: 'failed',
        app_id: null,
        app_mode: null,
        current_dsl_version: DSL_VERSION,
        imported_dsl_version: version,
        warnings: [],
        error,
      };
      return new FailError(error, result);
    };
    let prepared;
    try {
      prepared = await this.dsl.prepare(
        actor.workspaceId,
        { mode: body.mode, yamlContent: body.yaml_content, yamlUrl: body.yaml_url, defaultModel: body.default_model },
        disconnectSignal(reply),
      );
    } catch (err) {
      if (err instanceof DslImportError) throw failed(err.message, err.version);
      throw err;
    }
    // The file's config or graph is input like any draft: the same schema checks it.
    const checked = prepared.spec ? workflowSpec.safeParse(prepared.spec) : appConfigItem.safeParse(prepared.config);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw failed(`${prepared.spec ? 'workflow' : 'model_config'}: ${issue.path.join('.')}: ${issue.message}`, prepared.version);
    }
    const fileIcon = icon.safeParse(prepared.app.icon);
    const app = await this.dsl.create(
      actor,
      {
        name: body.name ?? (prepared.app.name.slice(0, 64) || 'Imported app'),
        icon: body.icon ?? (fileIcon.success ? fileIcon.data : undefined),
        description: body.description ?? prepared.app.description.slice(0, 800),
      },
      prepared.spec ? { ...prepared, spec: checked.data as WorkflowSpec } : { ...prepared, config: checked.data as AppConfig },
    );
    const result: ImportResult = {
      id,
      status: prepared.warnings.length > 0 ? 'completed-with-warnings' : 'completed',
      app_id: app.id,
      app_mode: prepared.mode,
      current_dsl_version: DSL_VERSION,
      imported_dsl_version: prepared.version,
      warnings: prepared.warnings,
      error: '',
    };
    return success(result, result.status === 'completed' ? 'app imported' : 'app imported with warnings');
  };

  export = async (req: Validated<{ params: typeof appIdParams; query: typeof exportQuery }>) =>
    success(await this.dsl.export(currentWorkspaceId(req), req.params.app_id, req.query.include_secret));
}
