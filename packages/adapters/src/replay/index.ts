export { readReplayInput, replayLines, renderTable, eventEntry } from './replay';
export type { InputLine, ReplayInput, ReplayEvent, ReplayReport, ReplayResult } from './replay';
