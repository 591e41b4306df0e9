import { ObjectId } from 'bson';

/**
 * A new ObjectId as its 24 hex digits, in one flat string. `toHexString` concatenates twelve
 * two-digit pieces, which V8 keeps as a tree of about a dozen string objects (some 230 bytes, not
 * 40) for as long as the id lives: in every document, and as a key of the memory engine's tables,
 * where the garbage collector walks them again and again.
 */
export function newObjectIdHex(): string {
  const bytes = ObjectId.generate(); // a Buffer on Node
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString('hex');
}
