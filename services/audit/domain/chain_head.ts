/** The chain's newest record: its place and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}
