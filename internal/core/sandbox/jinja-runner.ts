import type { SandboxReply } from './sandbox-types.js';

/** Renders a Jinja2 template (Dify's template-transform and jinja2 prompts) with a maintained Jinja engine. */
export async function renderJinja(template: string, variables: Record<string, unknown>): Promise<SandboxReply> {
  const { Template } = await import('@huggingface/jinja');
  try {
    return { ok: true, value: new Template(template).render(variables) };
  } catch (err) {
    return { ok: false, error: `template: ${(err as Error).message}` };
  }
}
