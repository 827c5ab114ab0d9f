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

/** The bundled LOINC vital-signs table (codes → display, UCUM units, plausible ranges). */
export const VITAL_SIGNS: Readonly<Record<string, VitalSign>> = {
  "8867-4": { display: "Heart rate", units: [{ unit: "/min", min: 1, max: 400 }] },
  "9279-1": { display: "Respiratory rate", units: [{ unit: "/min", min: 1, max: 150 }] },
  "8480-6": {
    display: "Systolic blood pressure",
    units: [{ unit: "mm[Hg]", min: 10, max: 400 }],
  },
  "8462-4": {
    display: "Diastolic blood pressure",
    units: [{ unit: "mm[Hg]", min: 10, max: 400 }],
  },
  "8310-5": {
    display: "Body temperature",
    units: [{ unit: "Cel", min: 20, max: 45 }, { unit: "[degF]", min: 68, max: 113 }],
  },
  "29463-7": {
    display: "Body weight",
    units: [{ unit: "kg", min: 0.2, max: 700 }, { unit: "[lb_av]", min: 0.44, max: 1543 }],
  },
  "8302-2": {
    display: "Body height",
    units: [{ unit: "cm", min: 10, max: 300 }, { unit: "[in_i]", min: 3.9, max: 118 }],
  },
  "59408-5": {
    display: "Oxygen saturation in Arterial blood by Pulse oximetry",
    units: [{ unit: "%", min: 0, max: 100 }],
  },
  "39156-5": {
    display: "Body mass index (BMI) [Ratio]",
    units: [{ unit: "kg/m2", min: 5, max: 200 }],
  },
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
    return {
      field: "value",
      message: `value must be between ${range.min} and ${range.max} ${unit}`,
    };
  }
  return undefined;
}
