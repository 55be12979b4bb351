/**
 * The paystate subcommands: their usage lines, `--help` texts, and their implementations, loaded
 * only when run. `paystate --version` and `--help` therefore load none of the libraries (the
 * adapters alone take longer to load than node takes to start).
 */
import { helpText, STORE_HELP, type Command, type CommandSpec } from './command';
import { DEFAULT_HOST, DEFAULT_PORT, DEMO_CHAOS, DEMO_DIR } from './defaults';

// Each `require` is deferred until the command runs; the bundler keeps it lazy as well.
/* eslint-disable @typescript-eslint/no-require-imports */
const lazy =
  <M>(load: () => M, pick: (m: M) => Command): Command =>
  (argv, io) =>
    pick(load())(argv, io);

const replay = lazy(() => require('./replay') as typeof import('./replay'), (m) => m.replay);
const diagram = lazy(() => require('./diagram') as typeof import('./diagram'), (m) => m.diagram);
const serve = lazy(() => require('./serve') as typeof import('./serve'), (m) => m.serve);
const ingest = lazy(() => require('./ingestCommand') as typeof import('./ingestCommand'), (m) => m.ingestCommand);
const inspect = lazy(() => require('./inspect') as typeof import('./inspect'), (m) => m.inspect);
const verify = lazy(() => require('./verify') as typeof import('./verify'), (m) => m.verify);
const migrate = lazy(() => require('./migrate') as typeof import('./migrate'), (m) => m.migrate);
const demo = lazy(() => require('./demo') as typeof import('./demo'), (m) => m.demo);
const loadSimulator = () => require('./simulator') as typeof import('./simulator');
/* eslint-enable @typescript-eslint/no-require-imports */

const spec = (name: string, synopsis: string, summary: string, h: Omit<Parameters<typeof helpText>[0], 'name' | 'synopsis'>, run: Command): CommandSpec => {
  const text = helpText({ name, synopsis, ...h });
  return { synopsis, summary, help: () => text, run };
};

const SERVER_KEY_FROM_LOG: readonly [string, string] = [
  '--server-key KEY',
  "verifies notification signatures\n(default: $MIDTRANS_SERVER_KEY, else a scenario file's server_key)",
];

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  replay: spec(
    'replay',
    '[--server-key KEY] [--format table|json] [FILE|-]',
    'explain a log of Midtrans observations (NDJSON replay format, or a scenario file)',
    {
      about:
        "Explains a log of Midtrans observations: each one's outcome (applied, duplicate, ignored, stale,\n" +
        "illegal, rejected) with its reason, then every order's state and answers. Reads only the log:\n" +
        'no store, no network.',
      options: [
        ['FILE', 'NDJSON in the replay format (one observation a line) or a scenario file\n({"server_key", "events": [...]}); - or none reads standard input'],
        SERVER_KEY_FROM_LOG,
        ['--format table|json', 'a table (default) or the JSON report'],
      ],
      examples: ['paystate replay --format json notifications.ndjson'],
    },
    replay,
  ),
  diagram: spec(
    'diagram',
    '[--machine transaction|fraud] [--format mermaid|dot]',
    'print a state diagram generated from the machines',
    {
      about: "Prints the state diagram of one of paystate's machines (transaction_status or fraud_status),\ngenerated from the machine itself.",
      options: [
        ['--machine transaction|fraud', 'which machine (default transaction)'],
        ['--format mermaid|dot', 'Mermaid (default) or Graphviz dot'],
      ],
      examples: ['paystate diagram --machine fraud --format dot | dot -Tsvg > fraud-status.svg'],
    },
    diagram,
  ),
  demo: spec(
    'demo',
    '[--dir DIR] [--copies N] [--seed N] [--chaos KINDS]',
    'the whole loop on this machine: a local Midtrans sandbox, paystate serve, checkouts, chaos, reconciliation',
    {
      about:
        'Runs the whole loop on this machine: a local Midtrans sandbox, `paystate serve` on an embedded\n' +
        'SQLite store, checkouts across the sandbox test cards with chaos on the notifications, the clock\n' +
        "moved through 3DS expiry and settlement, refunds, then reconciliation. Ends with each order's\n" +
        "state in paystate against the sandbox's truth, and exits 1 if any order disagrees. Needs the\n" +
        'optional dependency better-sqlite3.',
      options: [
        ['--dir DIR', `where the demo keeps its store, DIR/demo.db, replaced on every run\n(default: ${DEMO_DIR} in the working directory)`],
        ['--copies N', 'orders per kind of checkout, 1 to 50 (default 3)'],
        ['--seed N', "seeds the sandbox's identifiers and chaos (default 7)"],
        ['--chaos KINDS', `chaos on the notifications: any of duplicate,delay,reorder,drop, all, or none\n(default ${DEMO_CHAOS})`],
      ],
      examples: ['paystate demo --copies 1 --dir /tmp/paystate-demo'],
    },
    demo,
  ),
  serve: spec(
    'serve',
    '[--store URL] [--port N] [--host ADDR] [--server-key KEY] [--log-level LEVEL] [--log-format json|pretty] [--no-metrics]',
    'receive Midtrans notifications: POST /notifications (or /), GET /health, GET /metrics',
    {
      about:
        'Receives Midtrans notifications: POST /notifications (or /) records each one in the store with\n' +
        'its outcome and answers as Midtrans expects; GET /health reports whether the store reads;\n' +
        'GET /metrics answers in Prometheus text format. The first stdout line is always the plain\n' +
        '`listening on http://HOST:PORT`; then pino log lines (JSON, or pretty on a terminal): one per\n' +
        'request with its level and request id (from x-request-id, else new; sent back in the answer),\n' +
        'never the body or the key, card numbers masked. SIGTERM or SIGINT stops accepting, finishes\n' +
        'the requests in flight and closes the store.',
      options: [
        STORE_HELP,
        ['--port N', `the port, 0 for a free one (default ${DEFAULT_PORT})`],
        ['--host ADDR', `the address to listen on (default ${DEFAULT_HOST})`],
        ['--server-key KEY', 'verifies notification signatures (default: $MIDTRANS_SERVER_KEY; one is required)'],
        ['--log-level LEVEL', 'fatal|error|warn|info|debug|trace|silent (default: $PAYSTATE_LOG_LEVEL, else info)'],
        ['--log-format FORMAT', 'json|pretty (default: pretty on a terminal, else json; no colour with NO_COLOR)'],
        ['--no-metrics', 'no GET /metrics, and nothing measured'],
      ],
      examples: ['MIDTRANS_SERVER_KEY=SB-Mid-server-... paystate serve --store sqlite:payments.db --port 8080'],
    },
    serve,
  ),
  ingest: spec(
    'ingest',
    '[--store URL] [--server-key KEY] [FILE|-]',
    'record a log of observations (NDJSON replay format, or a scenario file) into the store, in order',
    {
      about:
        'Records a log of observations into the store through the ingestion service, line by line in\n' +
        'order, as a backfill from old logs does; a malformed line is recorded as rejected with its line\n' +
        'number. Prints how many lines had each outcome.',
      options: [['FILE', 'NDJSON in the replay format or a scenario file; - or none reads standard input'], STORE_HELP, SERVER_KEY_FROM_LOG],
      examples: ['paystate ingest --store sqlite:payments.db --server-key "$MIDTRANS_SERVER_KEY" old-notifications.ndjson'],
    },
    ingest,
  ),
  inspect: spec(
    'inspect',
    'ORDER_ID [--store URL] [--format table|json]',
    'one order from the store: every observation with outcome and reason, state, answers, deadlines',
    {
      about:
        'Shows one order from the store: every observation (and rejected input naming it) with its outcome\n' +
        'and reason, the state, the answers (paid, can ship, needs review, ...), the allowed actions and\n' +
        'the deadlines. Exits 1 when the store has no such order.',
      options: [['ORDER_ID', 'the order_id'], STORE_HELP, ['--format table|json', 'a table (default) or JSON']],
      examples: ['paystate inspect order-1042 --store sqlite:payments.db'],
    },
    inspect,
  ),
  verify: spec(
    'verify',
    '[--store URL] [--format table|json] [--server-key KEY]',
    "re-decide every stored observation with this release's engine and list each decision that would differ",
    {
      about:
        "An upgrade audit: re-decides every observation in the store with this release's engine, each\n" +
        'against the order as its recorded history left it, and compares the outcome, reason code,\n' +
        "resulting statuses and amounts with the recorded decision. Prints each difference (the order,\n" +
        "the observation's stream version and position, its kind, the recorded and the new decision).\n" +
        'Exits 1 when any differs (or an event is unreadable), 0 otherwise. Changes nothing.',
      options: [
        STORE_HELP,
        ['--format table|json', 'a list (default) or the JSON report'],
        ['--server-key KEY', "also re-read the stored raw input (verifying signatures with KEY), so\nchanges in reading Midtrans' payloads are audited too"],
      ],
      examples: ['paystate verify --store postgres://paystate@db/payments'],
    },
    verify,
  ),
  migrate: spec(
    'migrate',
    '[--store URL]',
    "create or upgrade the store's tables to this release (idempotent)",
    {
      about:
        "Creates or upgrades the store's tables to this release and exits; running it again changes\n" +
        'nothing, and processes running it at once wait for each other. Stores migrate themselves on\n' +
        'open unless their URL says ?migrate=off (PostgreSQL); then this is the way to upgrade them.\n' +
        'On PostgreSQL the tables live in their own schema, paystate unless ?schema=NAME says otherwise.',
      options: [STORE_HELP],
      examples: ['paystate migrate --store "postgres://admin@db/payments?schema=paystate"'],
    },
    migrate,
  ),
  simulator: {
    synopsis: '[--port N] [--notify-url URL] [--server-key KEY] [--seed N] [--chaos KINDS] [--chaos-rate P] [--start ISO]',
    summary: 'run a local Midtrans sandbox: Core API, test cards, 3DS page, signed notifications, a clock to advance',
    help: () => loadSimulator().simulatorUsage(),
    run: (argv, io) => loadSimulator().simulator(argv, io),
  },
};
