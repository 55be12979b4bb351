export { readReplayInput, replayLines, renderTable, summarizeOrder, eventEntry } from './replay';
export type { InputLine, ReplayInput, ReplayEvent, ReplayReport, ReplayResult, OrderSummary, AttemptSummary } from './replay';
