import avro from 'avsc';

/**
 * Avro `decimal` on `bytes`, surfaced as a decimal string ("125000.00"). Strings, not numbers: an
 * 18-digit decimal does not fit a double exactly, and money must round-trip unchanged.
 */
export class DecimalType extends avro.types.LogicalType {
  readonly scale: number;
  readonly precision: number;

  constructor(schema: avro.Schema, opts?: avro.ForSchemaOptions) {
    super(schema, opts);
    const s = schema as unknown as { scale?: number; precision: number };
    this.scale = s.scale ?? 0;
    this.precision = s.precision;
  }

  override _fromValue(value: unknown): string {
    const buf = value as Buffer;
    let unscaled = 0n;
    for (const byte of buf) unscaled = (unscaled << 8n) | BigInt(byte);
    // Two's complement: the top bit of the first byte is the sign.
    if (buf.length > 0 && (buf[0] as number) & 0x80) unscaled -= 1n << BigInt(buf.length * 8);
    return formatUnscaled(unscaled, this.scale);
  }

  override _toValue(value: unknown): Buffer {
    const unscaled = parseDecimal(value, this.scale, this.precision);
    return toTwosComplement(unscaled);
  }

  override _resolve(type: avro.Type): ((x: unknown) => unknown) | undefined {
    if (type instanceof DecimalType && type.scale === this.scale) return (x) => x;
    return undefined;
  }
}

export const decimalLogicalType = DecimalType as unknown as new (
  schema: avro.Schema,
  opts?: avro.ForSchemaOptions,
) => avro.types.LogicalType;

export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

/** Unscaled integer of a decimal string at `scale`; throws on more fraction digits or too many digits. */
export function parseDecimal(value: unknown, scale: number, precision: number): bigint {
  if (typeof value !== 'string' || !DECIMAL_PATTERN.test(value)) {
    throw new TypeError(`not a decimal string: ${JSON.stringify(value)}`);
  }
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  if (fraction.length > scale) throw new RangeError(`more than ${scale} fraction digits: ${value}`);
  const digits = (whole + fraction.padEnd(scale, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > precision) throw new RangeError(`more than ${precision} digits: ${value}`);
  const unscaled = BigInt(digits);
  return negative ? -unscaled : unscaled;
}

export function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

function toTwosComplement(value: bigint): Buffer {
  const bytes: number[] = [];
  let v = value;
  // Emit little-endian bytes until the remaining value is pure sign extension of the last byte.
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.push(byte);
    v >>= 8n;
    const signBitSet = (byte & 0x80) !== 0;
    if ((v === 0n && !signBitSet) || (v === -1n && signBitSet)) break;
  }
  return Buffer.from(bytes.reverse());
}
