/** Where a conversation came from; the service API and web apps add their own later. */
export const InvokeFrom = {
  Debugger: 'debugger',
  ServiceApi: 'service_api',
  WebApp: 'web_app',
} as const;
export type InvokeFrom = (typeof InvokeFrom)[keyof typeof InvokeFrom];

export const MessageStatus = {
  Normal: 'normal',
  Stop: 'stop',
  Error: 'error',
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

/** Event names on the chat stream; they follow Dify's so existing clients understand them. */
export const ChatEventName = {
  Message: 'message',
  MessageEnd: 'message_end',
  Error: 'error',
  Ping: 'ping',
} as const;

export const DEFAULT_CONVERSATION_NAME = 'New conversation';
export const CONVERSATION_NAME_MAX_LENGTH = 100;
