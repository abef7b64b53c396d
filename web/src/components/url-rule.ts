import type { Rule } from 'antd/es/form';

/**
 * An http(s) URL as the server takes it. Ant Design's `type: 'url'` refuses hosts without a dot and
 * one-digit ports, so a self-hosted model at `http://ollama:11434` or `http://gpu-box:8000` could not
 * be entered.
 */
export function httpUrlRule(message: string, required = false): Rule {
  return {
    required,
    message,
    validator: (_rule, value: unknown) => {
      if (value === undefined || value === null || value === '') return required ? Promise.reject(new Error(message)) : Promise.resolve();
      try {
        const url = new URL(String(value));
        if (url.protocol === 'http:' || url.protocol === 'https:') return Promise.resolve();
      } catch {
        // not a URL at all
      }
      return Promise.reject(new Error(message));
    },
  };
}
