/** One allowed UCUM unit of a vital sign with its plausible range (inclusive). */
export interface UnitRange {
  unit: string;
  min: number;
  max: number;
}

/** A LOINC vital-sign code: its display and allowed units. */
export interface VitalSign {
  display: string;
  units: UnitRange[];
}

const range = (unit: string, min: number, max: number): UnitRange => ({ unit, min, max });
/** The same range in another unit, `factor` of that unit making one of the first. */
const converted = (unit: string, of: UnitRange, factor: number): UnitRange =>
  range(unit, of.min / factor, of.max / factor);
const KG = range("kg", 0.2, 700);
const CM = range("cm", 10, 300);
/** UCUM: `[lb_av]` is 0.45359237 kg, `[in_i]` 2.54 cm (exactly). */
const KG_PER_LB = 0.45359237;
const CM_PER_IN = 2.54;

/** The bundled LOINC vital-signs table (codes → display, UCUM units, plausible ranges). */
export const VITAL_SIGNS: Readonly<Record<string, VitalSign>> = {
  "8867-4": { display: "Heart rate", units: [range("/min", 1, 400)] },
  "9279-1": { display: "Respiratory rate", units: [range("/min", 1, 150)] },
  "8480-6": { display: "Systolic blood pressure", units: [range("mm[Hg]", 10, 400)] },
  "8462-4": { display: "Diastolic blood pressure", units: [range("mm[Hg]", 10, 400)] },
  "8310-5": {
    display: "Body temperature",
    units: [range("Cel", 20, 45), range("[degF]", 68, 113)],
  },
  "29463-7": {
    display: "Body weight",
    units: [KG, converted("[lb_av]", KG, KG_PER_LB)],
  },
  "8302-2": { display: "Body height", units: [CM, converted("[in_i]", CM, CM_PER_IN)] },
  "59408-5": {
    display: "Oxygen saturation in Arterial blood by Pulse oximetry",
    units: [range("%", 0, 100)],
  },
  "39156-5": { display: "Body mass index (BMI) [Ratio]", units: [range("kg/m2", 5, 200)] },
};

/** The problem of an observation's code, unit and value (`{field: message}`), or undefined. */
export function vitalSignProblem(
  code: string,
  unit: string,
  value: number,
): { field: "code" | "unit" | "value"; message: string } | undefined {
  const sign = Object.hasOwn(VITAL_SIGNS, code) ? VITAL_SIGNS[code] : undefined;
  if (!sign) return { field: "code", message: "Unknown observation code" };
  const range = sign.units.find((u) => u.unit === unit);
  if (!range) {
    return {
      field: "unit",
      message: `unit must be one of ${sign.units.map((u) => u.unit).join(", ")}`,
    };
  }
  if (value < range.min || value > range.max) {
    // Shown to two decimals at most (a converted bound is exact inside, rounded only here).
    const shown = (n: number) => String(Math.round(n * 100) / 100);
    return {
      field: "value",
      message: `value must be between ${shown(range.min)} and ${shown(range.max)} ${unit}`,
    };
  }
  return undefined;
}
