export const AppStatus = {
  Draft: 'draft',
  Published: 'published',
} as const;
export type AppStatus = (typeof AppStatus)[keyof typeof AppStatus];

export const APP_NAME_MAX_LENGTH = 64;
export const APP_DESCRIPTION_MAX_LENGTH = 800;
export const APP_DEFAULT_ICON = '🤖';
