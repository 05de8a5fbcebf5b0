import { parseFlags, UsageError } from './flags';

const SPEC = { env: { type: 'string', required: true }, base: { type: 'string' }, 'allow-danger': { type: 'boolean' } } as const;

const problem = (args: string[], positionals?: number): string => {
  try {
    parseFlags(args, SPEC, { positionals });
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(args)}`);
};

describe('parseFlags', () => {
  it('reads --name value, --name=value and booleans; the last value of a repeated flag wins', () => {
    expect(parseFlags(['--env', 'dev', '--base=main', '--allow-danger', '--env=prod'], SPEC)).toEqual({ values: { env: 'prod', base: 'main', 'allow-danger': true }, positionals: [], help: false });
  });

  it('keeps a value that starts with one dash when it is written inline or is not an option', () => {
    expect(parseFlags(['--env', 'dev', '--base=-x'], SPEC).values.base).toBe('-x');
    expect(parseFlags(['--env', 'dev', '--base', '-x'], SPEC).values.base).toBe('-x');
  });

  it('answers help before checking anything else', () => {
    expect(parseFlags(['--nope', '-h'], SPEC).help).toBe(true);
    expect(parseFlags(['--help'], SPEC).help).toBe(true);
  });

  it('takes positionals only up to the count allowed', () => {
    expect(parseFlags(['plan', '--env', 'dev'], SPEC, { positionals: 1 }).positionals).toEqual(['plan']);
    expect(problem(['plan', 'extra', '--env', 'dev'], 1)).toBe('unexpected argument "extra"');
  });

  it.each([
    [['--env', 'dev', '--force'], 'unknown option "--force"'],
    [['--env', 'dev', '--force=yes'], 'unknown option "--force=yes"'],
    [['--env', 'dev', '-x'], 'unknown option "-x"'],
    [['--env', 'dev', 'extra'], 'unexpected argument "extra"'],
    [['--env'], '--env needs a value'],
    [['--env='], '--env needs a value'],
    [['--env', '--base=x'], '--env needs a value'],
    [['--env', 'dev', '--allow-danger=yes'], '--allow-danger takes no value'],
    [['--base', 'main'], '--env is required'],
  ])('refuses %j: %s', (args, message) => {
    expect(problem(args)).toBe(message);
  });
});
