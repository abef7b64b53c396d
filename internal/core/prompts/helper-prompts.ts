/** Prompts of the helper calls (titles, summaries, follow-ups, prompt rewriting), kept in one place. */

export const CONVERSATION_NAME_PROMPT = `You name conversations. Reply with a short title (at most 8 words) for the conversation below, in the language of the user's message. Reply with the title only: no quotes, no punctuation at the end.`;

export const SUMMARY_PROMPT = `You keep a running summary of a conversation. Given the current summary and the newest exchange, write the updated summary: concise, factual, keeping names, numbers, preferences and decisions that later answers may need. Reply with the summary only.`;

export const SUGGESTED_QUESTIONS_PROMPT = `Suggest the three questions the user is most likely to ask next, given the conversation below. Each at most 20 words, in the language of the conversation. Reply with a JSON array of three strings and nothing else.`;

export const OPTIMIZE_PROMPT_PROMPT = `You are an expert prompt engineer. Rewrite the user's prompt for an LLM application so it is clear, specific and well structured: state the role, the task, constraints, and the output format, in the language of the original. Reply with the rewritten prompt only.`;

/** The three questions out of a model reply that should be a JSON array but may not be. */
export function parseQuestions(reply: string): string[] {
  const match = /\[[\s\S]*\]/.exec(reply);
  if (match) {
    try {
      const parsed: unknown = JSON.parse(match[0]);
      if (Array.isArray(parsed)) return clean(parsed.filter((q): q is string => typeof q === 'string'));
    } catch {
      // Not JSON after all: fall back to one question per line.
    }
  }
  return clean(reply.split('\n').map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '')));
}

function clean(questions: string[]): string[] {
  return questions
    .map((q) => q.trim().replace(/^["']|["']$/g, ''))
    .filter(Boolean)
    .slice(0, 3);
}

/** A title from the model's reply: one line, no wrapping quotes, bounded length. */
export function cleanTitle(reply: string, maxLength: number): string {
  const line = reply.trim().split('\n')[0] ?? '';
  return line
    .replace(/^["'“”]+|["'“”.。]+$/g, '')
    .trim()
    .slice(0, maxLength);
}
