// ISO 4217 minor-unit exponents other than 2.
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/**
 * Formats integer minor units as `"<currency> <major>.<minor>"` (`12500, "USD"` →
 * `"USD 125.00"`; `5000, "JPY"` → `"JPY 5000"`), with the currency's ISO 4217 exponent (2 unless
 * listed otherwise). Exact: digits are placed, never divided as floats.
 */
export function formatMoney(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError("amount is not a whole number");
  const exponent = EXPONENTS[currency] ?? 2;
  const sign = amount < 0 ? "-" : "";
  const digits = String(Math.abs(amount)).padStart(exponent + 1, "0");
  const major = digits.slice(0, digits.length - exponent);
  const minor = digits.slice(digits.length - exponent);
  return `${currency} ${sign}${major}${exponent > 0 ? `.${minor}` : ""}`;
}
