import { findCorpora } from "../../bench/evaluations/corpora";

/**
 * A describe block over one part of the development corpora (../shared/corpora beside the checkout, or
 * $PLAINT_CORPORA): it runs with the corpora folder when `part` is there, and is otherwise reported as skipped, with
 * one line saying what it needs. The one place corpus tests decide to skip; a server-backed test never does.
 */
export function describeWithCorpus(part: string, title: string, suite: (corpora: string) => void): void {
  const corpora = findCorpora(part);
  if (corpora !== null) {
    describe(title, () => suite(corpora));
    return;
  }
  console.warn(`skipped: "${title}" needs ../shared/corpora/${part} (or $PLAINT_CORPORA), which is absent`);
  describe.skip(title, () => it(`needs the ${part} corpus`, () => undefined));
}
