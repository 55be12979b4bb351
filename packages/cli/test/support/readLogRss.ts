/**
 * Reads a log through `logEntries` and prints `{"entries", "maxRssKb"}`: the reading half of
 * `paystate ingest`, for the bounded-memory test (the store's own memory is not what it measures).
 */
import { createReadStream } from 'node:fs';
import { logEntries } from '../../src/logEntries';

const main = async (file: string, key: string): Promise<void> => {
  let entries = 0;
  let applied = 0;
  for await (const e of logEntries(createReadStream(file), key)) {
    entries++;
    if (e.observation.kind !== 'invalid') applied++;
  }
  process.stdout.write(JSON.stringify({ entries, valid: applied, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
};

void main(process.argv[2]!, process.argv[3]!);
