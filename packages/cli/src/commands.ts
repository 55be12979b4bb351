/**
 * The paystate subcommands: their usage lines, `--help` texts, and their implementations, loaded
 * only when run. `paystate --version` and `--help` therefore load none of the libraries (the
 * adapters alone take longer to load than node takes to start).
 */
import { helpText, STORE_HELP, type Command, type CommandSpec } from './command';
import { serverKeyHelp } from './serverKey';
import { DEFAULT_HOST, DEFAULT_PORT, DEMO_CHAOS, DEMO_DIR } from './defaults';
import { REJECTION_LOG_ENV, REJECTION_LOG_HELP } from './rejectionLogOption';
import { CORE_API_ENV, CORE_API_HELP } from './coreApiOption';

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
const reconcile = lazy(() => require('./reconcileCommand') as typeof import('./reconcileCommand'), (m) => m.reconcileCommand);
const migrate = lazy(() => require('./migrate') as typeof import('./migrate'), (m) => m.migrate);
const demo = lazy(() => require('./demo') as typeof import('./demo'), (m) => m.demo);
const loadSimulator = () => require('./simulator') as typeof import('./simulator');
/* eslint-enable @typescript-eslint/no-require-imports */

const spec = (name: string, synopsis: string, summary: string, h: Omit<Parameters<typeof helpText>[0], 'name' | 'synopsis'>, run: Command): CommandSpec => {
  const text = helpText({ name, synopsis, ...h });
  return { synopsis, summary, help: () => text, run };
};

const SERVER_KEY_FROM_LOG = serverKeyHelp('verifies notification signatures', "a scenario file's server_key");

const KEY_ENV: readonly (readonly [string, string])[] = [
  ['MIDTRANS_SERVER_KEY', 'the server key'],
  ['MIDTRANS_SERVER_KEY_FILE', 'a file holding the server key'],
];
const STORE_ENV: readonly [string, string] = ['PAYSTATE_STORE', '--store'];
const COLOUR_ENV: readonly (readonly [string, string])[] = [
  ['NO_COLOR', 'set and not empty: no colour (colour is used only on a terminal)'],
  ['FORCE_COLOR', 'colour even when not on a terminal (0 or false: never)'],
];

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  replay: spec(
    'replay',
    '[--format table|json] [--strict] [--server-key-file PATH] [FILE|-]',
    'explain a log of Midtrans observations (NDJSON replay format, or a scenario file)',
    {
      about:
        "Explains a log of Midtrans observations: each one's outcome (applied, duplicate, ignored, stale,\n" +
        "illegal, rejected) with its reason, then every order's state and answers. Reads only the log:\n" +
        'no store, no network.',
      options: [
        ['FILE', 'NDJSON in the replay format (one observation a line) or a scenario file\n({"server_key", "events": [...]}); - or none reads standard input'],
        ['--format table|json', 'a table (default) or the JSON report'],
        ['--strict', 'exit 1 when any observation is rejected or illegal'],
        ...SERVER_KEY_FROM_LOG,
      ],
      examples: ['paystate replay --format json notifications.ndjson', 'paystate replay --strict --server-key-file /run/secrets/midtrans-server-key notifications.ndjson'],
      environment: [...KEY_ENV, ...COLOUR_ENV],
      exitCodes: '0 ok, 1 with --strict when anything was rejected or illegal, 2 usage error',
    },
    replay,
  ),
  diagram: spec(
    'diagram',
    '[--machine transaction|fraud] [--format mermaid|dot|svg]',
    'print a state diagram generated from the machines',
    {
      about: "Prints the state diagram of one of paystate's machines (transaction_status or fraud_status),\ngenerated from the machine itself.",
      options: [
        ['--machine transaction|fraud', 'which machine (default transaction)'],
        ['--format mermaid|dot|svg', 'Mermaid (default), Graphviz dot, or an SVG picture (drawn by a\nbuilt-in Graphviz: nothing to install)'],
      ],
      examples: ['paystate diagram --machine fraud --format svg > fraud-status.svg', 'paystate diagram --machine transaction --format mermaid'],
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
    '[--store URL] [--port N] [--host ADDR] [--server-key-file PATH] [--core-api URL] [--trust confirm|signature] [--read-token TOKEN] [--console] [--log-level LEVEL] [--log-format json|pretty] [--no-metrics] [--max-connections N] [--headers-timeout-ms MS] [--request-timeout-ms MS] [--deadline-ms MS]',
    'receive Midtrans notifications: POST /notifications (or /), GET /health, GET /metrics, GET /orders',
    {
      about:
        'Receives Midtrans notifications: POST /notifications (or /) records each one in the store with\n' +
        'its outcome and answers as Midtrans expects; GET /health reports whether the store reads and writes;\n' +
        'GET /metrics answers in Prometheus text format. With a read token, GET /orders/ORDER_ID answers\n' +
        'the order (state, answers, deadlines, timeline) and GET /orders?attention=review|reconciliation|\n' +
        'deadline lists the orders needing someone, paged; both need `Authorization: Bearer TOKEN`\n' +
        '(docs/openapi.json). With --console and a read token it also serves the payment console under\n' +
        '/console: read-only web pages of the orders needing someone and of each order (answers, timeline,\n' +
        'machines), live as observations arrive (docs/console.md). The first stdout line is always the plain `listening on http://HOST:PORT`;\n' +
        'then pino log lines (JSON, or pretty on a terminal): one per request with its level and request\n' +
        'id (from x-request-id, else new; sent back in the answer), never the body or the key, card\n' +
        'numbers masked. SIGTERM or SIGINT stops accepting, finishes the requests in flight and closes\n' +
        'the store. With --core-api, each validly signed notification is confirmed with GET status\n' +
        '(confirm mode): the status answer is recorded first and decides the order; a notification it\n' +
        'contradicts is recorded as rejected (answered 200), and when GET status cannot be had nothing is\n' +
        'recorded and the answer is 503, so Midtrans retries.',
      options: [
        STORE_HELP,
        ['--port N', `the port, 0 for a free one (default: $PORT, else ${DEFAULT_PORT})`],
        ['--host ADDR', `the address to listen on (default: $HOST, else ${DEFAULT_HOST})`],
        ...serverKeyHelp('verifies notification signatures (one is required)'),
        ...CORE_API_HELP,
        ['--read-token TOKEN', 'turns the read API on, for requests carrying this bearer token (at least 16\ncharacters; without one GET /orders answers 404)'],
        ['--console', 'serves the read-only payment console under /console (needs the read token;\nsign in with it, or send it as a bearer header; off by default)'],
        ['--fulfilment-subscriber NAME', "the subscriber whose checkpoint marks the paid orders handed to\nfulfilment, for the console's list (default: fulfilment)"],
        ['--log-level LEVEL', 'fatal|error|warn|info|debug|trace|silent (default: $PAYSTATE_LOG_LEVEL, else info)'],
        ['--log-format FORMAT', 'json|pretty (default: pretty on a terminal, else json; no colour with NO_COLOR)'],
        ['--no-metrics', 'no GET /metrics, and nothing measured'],
        ['--max-connections N', 'the most connections held at once; past it the one waiting longest\nwithout a request in progress is closed for the new one\n(default: $PAYSTATE_MAX_CONNECTIONS, else 1000)'],
        ['--headers-timeout-ms MS', 'drops a client that has not sent its headers within MS\n(default: $PAYSTATE_HEADERS_TIMEOUT_MS, else 5000)'],
        ['--request-timeout-ms MS', 'drops a client that has not sent its whole request within MS\n(default: $PAYSTATE_REQUEST_TIMEOUT_MS, else 10000; idle connections close after\n15 s, idle keep-alive ones after 5 s); see docs/security.md for a reverse proxy'],
        ['--deadline-ms MS', 'answers 503 (deadline_exceeded) when a notification is not recorded\nwithin MS of its body arriving, and writes nothing more for it\n(default: $PAYSTATE_DEADLINE_MS, else 5000)'],
        ...REJECTION_LOG_HELP,
      ],
      examples: [
        'paystate serve --store sqlite:payments.db --port 8080 --server-key-file /run/secrets/midtrans-server-key --core-api production',
        'paystate serve --store postgres://paystate@db/payments    # the key from $MIDTRANS_SERVER_KEY',
        'PAYSTATE_READ_TOKEN=$(openssl rand -hex 32) paystate serve --store sqlite:payments.db    # with the read API',
        'PAYSTATE_READ_TOKEN=$(openssl rand -hex 32) paystate serve --console    # and the console on /console',
      ],
      environment: [...KEY_ENV, STORE_ENV, ['PORT', '--port'], ['HOST', '--host'], ['PAYSTATE_READ_TOKEN', '--read-token'], ['PAYSTATE_CONSOLE', '--console (when 1 or true)'], ['PAYSTATE_LOG_LEVEL', '--log-level'], ['PAYSTATE_MAX_CONNECTIONS', '--max-connections'], ['PAYSTATE_HEADERS_TIMEOUT_MS', '--headers-timeout-ms'], ['PAYSTATE_REQUEST_TIMEOUT_MS', '--request-timeout-ms'], ['PAYSTATE_DEADLINE_MS', '--deadline-ms'], ...CORE_API_ENV, ...REJECTION_LOG_ENV],
      exitCodes: '0 stopped by SIGTERM or SIGINT, 1 could not start (store, port), 2 usage error',
    },
    serve,
  ),
  reconcile: spec(
    'reconcile',
    '[--store URL] [--core-api URL] [--server-key-file PATH] [--interval-ms MS] [--concurrency N] [--lease-ms MS] [--timeout-ms MS] [--base-backoff-ms MS] [--max-backoff-ms MS] [--log-level LEVEL]',
    'a reconciliation worker: GET status for orders past a deadline or flagged; run one or many per store',
    {
      about:
        'A reconciliation worker: every interval it asks Midtrans GET /v2/ORDER_ID/status for the orders\n' +
        'whose planned deadline has passed or that carry a flag, records each answer (the order then\n' +
        'folds it), and backs off per order, exponentially, while an order stays due. Each check is\n' +
        'claimed in the store first (a lease), and the attempts and the next due time are kept there:\n' +
        'any number of workers on one store (PostgreSQL, or processes on one SQLite file) make one\n' +
        'status call per due order per due time, never two at once, and a restarted worker neither\n' +
        "forgets nor repeats. A worker killed mid-check holds its orders until its lease expires.\n" +
        'Logs are pino lines on stdout (one per round that checked something). SIGTERM or SIGINT ends\n' +
        'the round in flight and closes the store.',
      options: [
        STORE_HELP,
        ['--core-api URL', 'the Midtrans Core API: sandbox, production, or a base URL such as a local\nsimulator\'s (default: $MIDTRANS_CORE_API_URL, else sandbox)'],
        ...serverKeyHelp('authenticates the status calls (one is required)'),
        ['--interval-ms MS', 'the time between rounds (default 60000)'],
        ['--concurrency N', 'status calls in flight at once in this worker (default 8)'],
        ['--lease-ms MS', 'how long a claim on an order lasts (default 120000); it must be longer than a\nstatus call can take with its retries (3 x --timeout-ms + 750)'],
        ['--timeout-ms MS', 'per attempt of a status call (default 20000; two retries on network failures,\ntimeouts and 5xx)'],
        ['--base-backoff-ms MS', 'the wait before an order that stayed due is checked again (default 60000);\nit doubles per check'],
        ['--max-backoff-ms MS', 'the longest such wait (default 3600000)'],
        ['--log-level LEVEL', 'fatal|error|warn|info|debug|trace|silent (default: $PAYSTATE_LOG_LEVEL, else info)'],
        ['--log-format FORMAT', 'json|pretty (default: pretty on a terminal, else json)'],
      ],
      examples: [
        'paystate reconcile --store postgres://paystate@db/payments --core-api production --server-key-file /run/secrets/midtrans-server-key',
        'paystate reconcile --store sqlite:payments.db --interval-ms 30000    # the sandbox; the key from $MIDTRANS_SERVER_KEY',
      ],
      environment: [
        ...KEY_ENV,
        STORE_ENV,
        ['MIDTRANS_CORE_API_URL', '--core-api'],
        ['PAYSTATE_RECONCILE_INTERVAL_MS', '--interval-ms'],
        ['PAYSTATE_RECONCILE_CONCURRENCY', '--concurrency'],
        ['PAYSTATE_RECONCILE_LEASE_MS', '--lease-ms'],
        ['PAYSTATE_RECONCILE_TIMEOUT_MS', '--timeout-ms'],
        ['PAYSTATE_RECONCILE_BASE_BACKOFF_MS', '--base-backoff-ms'],
        ['PAYSTATE_RECONCILE_MAX_BACKOFF_MS', '--max-backoff-ms'],
        ['PAYSTATE_LOG_LEVEL', '--log-level'],
      ],
      exitCodes: '0 stopped by SIGTERM or SIGINT, 1 could not open the store, 2 usage error',
    },
    reconcile,
  ),
  ingest: spec(
    'ingest',
    '[--store URL] [--server-key-file PATH] [--progress] [FILE|-]',
    'record a log of observations (NDJSON replay format, or a scenario file) into the store, in order',
    {
      about:
        'Records a log of observations into the store through the ingestion service, line by line in\n' +
        'order, as a backfill from old logs does; a malformed line is recorded as rejected with its line\n' +
        'number. Reads NDJSON a line at a time (any size, in bounded memory). On a terminal, shows the\n' +
        'count, the rate and the outcomes so far on stderr; at the end prints how many lines had each\n' +
        'outcome.',
      options: [
        ['FILE', 'NDJSON in the replay format or a scenario file; - or none reads standard input'],
        STORE_HELP,
        ...SERVER_KEY_FROM_LOG,
        ['--progress', 'progress on stderr even when it is not a terminal (a line every 5 s)'],
      ],
      examples: ['paystate ingest --store sqlite:payments.db --server-key-file /run/secrets/midtrans-server-key old-notifications.ndjson'],
      environment: [...KEY_ENV, STORE_ENV],
    },
    ingest,
  ),
  inspect: spec(
    'inspect',
    'ORDER_ID [--store URL] [--format table|json|svg]',
    'one order from the store: every observation with outcome and reason, state, answers, deadlines',
    {
      about:
        'Shows one order from the store: every observation (and rejected input naming it) with its outcome\n' +
        'and reason, the state, the answers (paid, can ship, needs review, ...), the allowed actions and\n' +
        'the deadlines. Exits 1 when the store has no such order.',
      options: [
        ['ORDER_ID', 'the order_id'],
        STORE_HELP,
        ['--format table|json|svg', "a table (default), JSON, or an SVG picture of both machines with\nthe order's path and current state highlighted"],
      ],
      examples: ['paystate inspect order-1042 --store sqlite:payments.db', 'paystate inspect order-1042 --store sqlite:payments.db --format svg > order-1042.svg'],
      environment: [STORE_ENV, ...COLOUR_ENV],
    },
    inspect,
  ),
  verify: spec(
    'verify',
    '[--store URL] [--format table|json] [--strict] [--server-key-file PATH]',
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
        ['--strict', 'also exit 1 when this release decides any observation is rejected or\nillegal, or the rejection log has any entry'],
        ['--server-key-file PATH', "also re-read the stored raw input, verifying signatures with the key\nin PATH, so changes in reading Midtrans' payloads are audited too\n(only this option or --server-key turns it on, not the environment)"],
        ['--server-key KEY', 'the same with the key itself (avoid: a command line shows in ps)'],
      ],
      examples: ['paystate verify --store postgres://paystate@db/payments', 'paystate verify --strict --store sqlite:payments.db'],
      environment: [STORE_ENV],
      exitCodes: '0 nothing differs, 1 a difference, an unreadable event, a failure (or with --strict\nanything rejected or illegal), 2 usage error',
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
      environment: [STORE_ENV],
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
