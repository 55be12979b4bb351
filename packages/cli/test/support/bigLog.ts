/**
 * A large NDJSON log for ingestion tests and measurements: orders of three lines each (charge
 * response, capture and settlement notifications, correctly signed), written as a stream.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { cardOrder, chargeResponse, notificationPayload } from '@paystate/adapters/testing';

/** Writes `lines` lines (a whole number of orders, rounded up) to `file`; resolves with the count written. */
export const writeBigLog = async (file: string, lines: number, serverKey: string): Promise<number> => {
  const out = createWriteStream(file);
  let written = 0;
  for (let n = 1; written < lines; n++) {
    const o = cardOrder('big', n, serverKey);
    const chunk =
      JSON.stringify(chargeResponse(o)) +
      '\n' +
      JSON.stringify({ kind: 'notification', payload: notificationPayload(o, 'capture') }) +
      '\n' +
      JSON.stringify({ kind: 'notification', payload: notificationPayload(o, 'settlement') }) +
      '\n';
    written += 3;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return written;
};

// `tsx packages/cli/test/support/bigLog.ts FILE LINES`: the measurement in docs/benchmarks.md.
if (require.main === module) {
  const [file, lines] = process.argv.slice(2);
  void writeBigLog(file!, Number(lines), process.env['MIDTRANS_SERVER_KEY'] ?? 'SB-Mid-server-BENCH').then((n) => console.log(`${n} lines in ${file}`));
}
