import type { JsonPage } from "../domain/patient_record.ts";

/** A page and the list version (the sum of the shards' `changes`) it was read at. */
export interface CachedPage {
  version: string;
  page: JsonPage;
}

/**
 * The most recently used list pages, each with the list version it was read at (migration
 * 00012). A page is only served again after the database has answered that the version is still
 * the same: nothing a list shows has changed since. Bounded by a number of pages (each at most
 * about 100 patients' JSON); `0` keeps none.
 */
export class ListPageCache {
  readonly #pages = new Map<string, CachedPage>();
  readonly #max: number;
  /** The list version now, read after the call (lists asking together share one read). */
  readonly currentVersion: () => Promise<string>;

  /**
   * @param maxPages how many pages are kept at most; the least recently used goes first.
   * @param currentVersion reads the list version (see {@linkcode ListPageCache.currentVersion}).
   */
  constructor(maxPages: number, currentVersion: () => Promise<string>) {
    this.#max = maxPages;
    this.currentVersion = currentVersion;
  }

  /** The page kept under `key`, now the most recently used. */
  get(key: string): CachedPage | undefined {
    const entry = this.#pages.get(key);
    if (entry) {
      this.#pages.delete(key);
      this.#pages.set(key, entry);
    }
    return entry;
  }

  /** Keeps `page`, read at `version`, under `key`. */
  set(key: string, version: string, page: JsonPage): void {
    if (this.#max === 0) return;
    this.#pages.delete(key);
    this.#pages.set(key, { version, page });
    if (this.#pages.size > this.#max) {
      const oldest = this.#pages.keys().next().value;
      if (oldest !== undefined) this.#pages.delete(oldest);
    }
  }

  /** How many pages are kept. */
  get size(): number {
    return this.#pages.size;
  }
}
