import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Screenshots of the console's pages, kept after the run (CI artefacts; look at them). */
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'console');

/** Debian's chromium (installed by .ci/run), never a downloaded browser; '' when it is missing. */
export function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export const CONSOLE_BUILT = existsSync(path.join(ROOT, 'web', 'dist', 'index.html'));

export function browserSkipReason(): string {
  if (!chromiumPath()) return 'chromium is not installed (apt-get install -y chromium; .ci/run does it)';
  if (!CONSOLE_BUILT) return 'the console is not built (npm ci builds it; or node scripts/build.mjs)';
  return '';
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Picks an option of an Ant Design select: opens it, types the text (a searchable select filters its
 * virtual list down to it; others ignore typing), clicks the option with that text, and checks that the
 * select shows it. On a loaded CI machine a click during the dropdown's opening animation was once
 * lost (the model stayed "Chat", and every later step failed on it), and once the typed text (the
 * list offered nothing for 30 s): the pick is tried again, at most three times, each retry printed, and a select that still does not show the text fails here, where the cause is.
 */
export async function pickOption(page: Page, select: ReturnType<Page['locator']>, text: string): Promise<void> {
  // Held by handle: a locator filtered by the select's text stops matching it once the pick changes that text.
  const field = await select.elementHandle();
  if (!field) throw new Error('no select to pick from');
  for (let attempt = 1; ; attempt++) {
    await field.click();
    // A try that typed the text leaves it in the search box; typed again it would search for it twice.
    // Cleared by keys, not fill(): a select that is not searchable has a read-only input, which fill() waits on.
    if (attempt > 1) {
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
    }
    await page.keyboard.type(text);
    const option = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first();
    // Keystrokes typed while the select was still taking focus were once lost, and the list showed no match.
    // Each try waits longer: under a full test run an option list once took more than 15 s to offer the text.
    const clicked = await option.click({ timeout: 5_000 * attempt }).then(
      () => true,
      (err: unknown) => {
        if (attempt === 3) throw err;
        return false;
      },
    );
    if (!clicked) {
      process.stderr.write(`pickOption: "${text}" not offered after typing it (attempt ${attempt}); trying again\n`);
      await page.keyboard.press('Escape');
      continue;
    }
    for (let wait = 0; wait < 20; wait++) {
      if ((await field.textContent())?.includes(text)) return;
      await page.waitForTimeout(100);
    }
    if (attempt === 3) throw new Error(`the select does not show "${text}" after ${attempt} picks`);
    process.stderr.write(`pickOption: the select does not show "${text}" after picking it (attempt ${attempt}); trying again\n`);
    await page.keyboard.press('Escape');
  }
}

/**
 * Clicks a dialog's submit button where the dialog closes as soon as the form is accepted (the run
 * form), and waits for it to close. On a loaded CI machine a click on a dialog that had just opened
 * was once lost (the dialog stayed open with its field filled, and nothing had been sent): the click
 * is tried again, at most three times, and each retry is printed so a real fault would still show.
 */
export async function submitDialog(page: Page, button: ReturnType<Page['locator']>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await button.click();
    const closed = await page
      .getByRole('dialog')
      .filter({ has: button })
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (closed) return;
    if (attempt === 3) throw new Error(`the dialog is still open after ${attempt} clicks on its submit button`);
    process.stderr.write(`submitDialog: the dialog did not close after click ${attempt}; clicking again\n`);
  }
}
