/**
 * The `ctwatch` command line. Each command is a small function in commands/; this file only
 * parses arguments and maps failures to exit codes (0 ok, 1 failure, 2 usage or config error).
 */
import { parseArgs } from 'node:util';
import { CliError, EXIT_USAGE, err } from './util.js';

// Commands are loaded on demand: `ctwatch hits` should not pay for loading the matcher,
// the X.509 library and every notifier provider.
const load = {
  context: () => import('./context.js'),
  check: () => import('./commands/check.js'),
  rules: () => import('./commands/rules.js'),
  hits: () => import('./commands/hits.js'),
  misc: () => import('./commands/misc.js'),
  notifyTest: () => import('./commands/notify-test.js'),
  run: () => import('./commands/run.js'),
  demo: () => import('./commands/demo.js'),
};

const USAGE = `usage: ctwatch <command> [options]

  run [--config FILE] [--pretty]              run the daemon (default config: $CTWATCH_CONFIG, else config/ctwatch.yaml)
  check [--config FILE] [--json] [--explain] NAME... | -
                                              match names (- = one name per line on stdin); --explain also
                                              lists every rule that was dropped or discounted, and why
  rules noise [--names FILE] [--config FILE]  how often each brand rule fires on ordinary names (default: a
                                              synthetic sample of 50,000), with examples and suggested fixes
  hits [--since 7d] [--brand B] [--severity high] [--status new] [--json|--csv]
  hits ack|fp|reopen ID                       triage a hit (fp suppresses its registrable domain for that brand)
  inventory [--watch .example.com] [--json|--csv]
  allow add DOMAIN                            never alert on DOMAIN and its subdomains
  outbox [--status pending|delivered|dead] [--json]
  outbox retry ID | --dead                    queue dead deliveries again
  notify test ID                              send a test alert through one notifier
  permutations DOMAIN [--json]                typosquat variants generated for DOMAIN
  config check [--config FILE]                validate the configuration
  demo                                        replay bundled real CT entries offline and print the hits
`;

export async function main(argv: string[]): Promise<number> {
  const { values: f, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      pretty: { type: 'boolean' },
      since: { type: 'string' },
      brand: { type: 'string' },
      severity: { type: 'string' },
      status: { type: 'string' },
      watch: { type: 'string' },
      dead: { type: 'boolean' },
      explain: { type: 'boolean' },
      names: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub, ...rest] = positionals;
  if (f.help || !cmd) {
    (cmd ? process.stdout : process.stderr).write(USAGE);
    return f.help ? 0 : EXIT_USAGE;
  }
  const config = async () => (await load.context()).loadConfigOrExit(f.config);
  switch (cmd) {
    case 'run':
      return (await load.run()).runCommand(await config(), { pretty: f.pretty });
    case 'check':
      return (await load.check()).checkCommand(await config(), [sub, ...rest].filter((x): x is string => x !== undefined), !!f.json, !!f.explain);
    case 'rules':
      if (sub !== 'noise') throw new CliError('usage: ctwatch rules noise [--names FILE] [--config FILE]', EXIT_USAGE);
      return (await load.rules()).rulesNoiseCommand(await config(), f.names, !!f.json);
    case 'hits': {
      const hits = await load.hits();
      if (sub === 'ack' || sub === 'fp' || sub === 'reopen') return hits.hitsTriageCommand(await config(), sub, rest[0]);
      if (sub !== undefined) throw new CliError(`hits: unknown subcommand "${sub}"`, EXIT_USAGE);
      return hits.hitsListCommand(await config(), f);
    }
    case 'inventory':
      return (await load.misc()).inventoryCommand(await config(), f);
    case 'allow':
      if (sub !== 'add') throw new CliError('usage: ctwatch allow add DOMAIN', EXIT_USAGE);
      return (await load.misc()).allowAddCommand(await config(), rest[0]);
    case 'outbox': {
      const misc = await load.misc();
      if (sub === 'retry') return misc.outboxRetryCommand(await config(), rest[0], !!f.dead);
      if (sub !== undefined) throw new CliError(`outbox: unknown subcommand "${sub}"`, EXIT_USAGE);
      return misc.outboxListCommand(await config(), f);
    }
    case 'notify':
      if (sub !== 'test') throw new CliError('usage: ctwatch notify test ID', EXIT_USAGE);
      return (await load.notifyTest()).notifyTestCommand(await config(), rest[0]);
    case 'permutations':
      return (await load.misc()).permutationsCommand(sub, !!f.json);
    case 'config':
      if (sub !== 'check') throw new CliError('usage: ctwatch config check [--config FILE]', EXIT_USAGE);
      return (await load.misc()).configCheckCommand(await config());
    case 'demo':
      return (await load.demo()).demoCommand();
    default:
      throw new CliError(`unknown command "${cmd}"\n${USAGE}`, EXIT_USAGE);
  }
}

/** Entry point used by bin/ctwatch.js. */
export async function cli(argv: string[]): Promise<void> {
  let code: number;
  try {
    code = await main(argv);
  } catch (e) {
    if (e instanceof CliError) {
      err(`ctwatch: ${e.message}\n`);
      code = e.exitCode;
    } else if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      err(`ctwatch: ${(e as Error).message}\n${USAGE}`);
      code = EXIT_USAGE;
    } else {
      err(`ctwatch: ${(e as { code?: string }).code ?? 'ERROR'}: ${(e as Error).message}\n`);
      code = 1;
    }
  }
  process.exitCode = code;
  // Flush stdout before exiting so piped output (e.g. `check -` with 100,000 names) is complete.
  await new Promise<void>((r) => (process.stdout.write('', () => r())));
  process.exit(code);
}
