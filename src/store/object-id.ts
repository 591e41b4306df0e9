import { randomBytes, randomInt } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The second the prefix was made for; the process part and the counter are drawn on first use. */
let prefixSecond = -1;
let prefix = '';
let processPart: string | undefined;
let counter = -1;

/**
 * A new ObjectId in MongoDB's layout (4 bytes of seconds since the epoch, 5 random bytes drawn once
 * per process, a 3-byte counter starting at random) as its 24 hex digits, in one flat string.
 * bson's `new ObjectId().toHexString()` concatenates twelve two-digit pieces, which V8 keeps as a
 * tree of about a dozen string objects (some 230 bytes, not 40) for as long as the id lives: in
 * every document, and as a key of the memory engine's tables, where the garbage collector walks
 * them again and again. A joined string is flat, and the first 18 digits change once a second.
 */
export function newObjectIdHex(): string {
  const seconds = Math.floor(Date.now() / 1000);
  if (seconds !== prefixSecond) {
    processPart ??= randomBytes(5).toString('hex');
    if (counter < 0) counter = randomInt(0x1000000);
    prefix = [seconds.toString(16).padStart(8, '0'), processPart].join('');
    prefixSecond = seconds;
  }
  counter = (counter + 1) % 0x1000000;
  return [prefix, HEX[counter >>> 16], HEX[(counter >>> 8) & 0xff], HEX[counter & 0xff]].join('');
}
