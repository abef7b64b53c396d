/** Names of background jobs; producers and consumers refer to these, never to string literals. */
export const JobName = {
  AnalyticsRollup: 'analytics.rollup',
  AuthCleanup: 'auth.cleanup',
  ChatInterruptedSweep: 'chat.interrupted-sweep',
  ConversationName: 'conversation.name',
  ConversationSummary: 'conversation.summary',
  DocumentIndex: 'document.index',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];
