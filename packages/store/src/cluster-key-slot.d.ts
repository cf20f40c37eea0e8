// Types of cluster-key-slot (ioredis' own slot function; the package ships none).
declare module 'cluster-key-slot' {
  /** The Redis Cluster slot of a key, 0..16383 (CRC16 of the hash tag, or of the key without one). */
  export default function calculateSlot(key: string | Buffer): number;
}
