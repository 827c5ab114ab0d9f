/** A list's page sizes: the size of a page the request does not size, and the largest allowed. */
export interface Paging {
  defaultSize: number;
  maxSize: number;
}
