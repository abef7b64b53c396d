/**
 * The layer rule of ../shared/DESIGN.md, checked in CI:
 * handler -> service -> model / extension / core; handlers never touch the database; services
 * never see Fastify; core never sees HTTP; pkg stands alone; no cycles.
 */
const layer = (name) => `^internal/${name}/`;
const domain = (name) => `^internal/service/${name}/`;

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'handler-no-database',
      comment: "Handlers call services; tables and extensions are the services' business.",
      severity: 'error',
      from: { path: layer('handler') },
      to: { path: [layer('model'), layer('extension'), layer('migration'), '^drizzle-orm', '^pg$', '^@electric-sql'] },
    },
    {
      name: 'service-no-http',
      comment: 'Services know nothing of Fastify, routes, handlers or middleware.',
      severity: 'error',
      from: { path: layer('service') },
      to: { path: [layer('handler'), layer('router'), layer('server'), layer('middleware'), layer('schema'), '^fastify', '^@fastify'] },
    },
    {
      name: 'core-no-http-or-services',
      severity: 'error',
      from: { path: layer('core') },
      to: { path: [layer('handler'), layer('service'), layer('router'), layer('server'), layer('middleware'), '^fastify', '^@fastify'] },
    },
    {
      name: 'lower-layers-not-upward',
      comment: 'Models, extensions, entities, exceptions and lib sit below services and never reach up.',
      severity: 'error',
      from: { path: [layer('model'), layer('extension'), layer('entity'), layer('exception'), layer('lib')] },
      to: {
        path: [
          layer('service'),
          layer('handler'),
          layer('router'),
          layer('server'),
          layer('middleware'),
          layer('schema'),
          layer('task'),
          layer('schedule'),
        ],
      },
    },
    // Domains inside the service layer: the directions that are clear. Apps compose the others;
    // chat and workflow use knowledge and tools; identity, models and files serve everyone.
    {
      name: 'identity-models-files-stand-alone',
      comment: 'Accounts, model providers and uploads are read by every domain and import none of them.',
      severity: 'error',
      from: { path: '^internal/service/(identity|models|files|system)/' },
      to: { path: '^internal/service/', pathNot: '^internal/service/$1/' },
    },
    {
      name: 'knowledge-below-chat-and-apps',
      comment: 'Knowledge bases know nothing of the chats, workflows, apps and tools that retrieve from them.',
      severity: 'error',
      from: { path: domain('knowledge') },
      to: { path: [domain('chat'), domain('workflow'), domain('apps'), domain('tools'), domain('analytics')] },
    },
    {
      name: 'analytics-reads-apps-only',
      comment: "Analytics reads the messages' tables and apps; it never drives chats, runs, knowledge or tools.",
      severity: 'error',
      from: { path: domain('analytics') },
      to: { path: [domain('chat'), domain('workflow'), domain('knowledge'), domain('tools')] },
    },
    {
      name: 'nothing-imports-analytics',
      comment: 'Analytics sits on top: handlers and jobs call it, other domains do not.',
      severity: 'error',
      from: { path: '^internal/service/', pathNot: domain('analytics') },
      to: { path: domain('analytics') },
    },
    {
      name: 'tools-not-into-knowledge',
      severity: 'error',
      from: { path: domain('tools') },
      to: { path: [domain('knowledge'), domain('analytics')] },
    },
    {
      name: 'pkg-stands-alone',
      severity: 'error',
      from: { path: '^pkg/' },
      to: { path: ['^internal/', '^app/', '^config/'] },
    },
    {
      name: 'internal-not-into-app',
      comment: 'app/ wires internal/; internal never imports its wiring.',
      severity: 'error',
      from: { path: ['^internal/', '^config/'] },
      to: { path: '^app/' },
    },
    {
      name: 'console-over-http-only',
      comment: 'The console (web/) talks to the server over HTTP; its types come from the generated OpenAPI document.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: ['^internal/', '^app/', '^config/', '^pkg/', '^test/', '^scripts/'] },
    },
    {
      name: 'server-not-into-console',
      severity: 'error',
      from: { path: ['^app/', '^internal/', '^pkg/', '^config/'] },
      to: { path: '^web/' },
    },
    {
      name: 'console-shared-below-pages',
      comment: 'api, chat, components, layout and i18n serve the pages and never import one.',
      severity: 'error',
      from: { path: '^web/src/(api|chat|components|layout|i18n)/' },
      to: { path: '^web/src/pages/' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: ['^app/', '^internal/', '^pkg/', '^config/'] },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
