import { success } from '../../../pkg/response/response.js';
import type { HealthService } from '../../service/system/health-service.js';

export class PingHandler {
  constructor(private readonly healthService: HealthService) {}

  ping = async () => success({ status: 'ok' as const, ...(await this.healthService.check()) }, 'pong');
}
