/** Every table, for drizzle-kit and the typed database handle. */
export * from './account.js';
export * from './workspace.js';
export * from './app.js';
export * from './provider-credential.js';
export * from './app-config-version.js';
export * from './conversation.js';
export * from './upload-file.js';
export * from './dataset.js';
export * from './api-key.js';
export * from './analytics.js';
export * from './tool-provider.js';
export * from './workflow.js';
