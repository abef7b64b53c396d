/** Where a conversation came from; the service API and web apps add their own later. */
export const InvokeFrom = {
  Debugger: 'debugger',
  ServiceApi: 'service_api',
  WebApp: 'web_app',
  /** A call of the app's tool by an MCP client (see AppMcpService). */
  Mcp: 'mcp',
} as const;
export type InvokeFrom = (typeof InvokeFrom)[keyof typeof InvokeFrom];

export const MessageStatus = {
  /** The answer is still being written. */
  Running: 'running',
  Normal: 'normal',
  Stop: 'stop',
  Error: 'error',
  /** The server stopped (shut down past its timeout, or crashed) while the answer was being written. */
  Interrupted: 'interrupted',
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

/** The error an interrupted answer carries, for the console and the APIs. */
export const INTERRUPTED_ERROR = 'the answer was interrupted: the server stopped while it was being written';

/** Event names on the chat stream; they follow Dify's so existing clients understand them. */
export const ChatEventName = {
  Message: 'message',
  AgentMessage: 'agent_message',
  AgentThought: 'agent_thought',
  MessageEnd: 'message_end',
  Error: 'error',
  Ping: 'ping',
} as const;

export const DEFAULT_CONVERSATION_NAME = 'New conversation';
export const CONVERSATION_NAME_MAX_LENGTH = 100;
