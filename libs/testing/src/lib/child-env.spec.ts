import { spawnSync } from 'node:child_process';
import { childEnv } from './child-env';

describe('childEnv', () => {
  it('drops colour and terminal variables, turns colours off and applies overrides', () => {
    const env = childEnv({ EXTRA: '1', HOME: undefined }, { FORCE_COLOR: '3', TERM: 'xterm-256color', COLORTERM: 'truecolor', HOME: '/home/x', PATH: '/bin' });
    expect(env).toEqual({ NO_COLOR: '1', EXTRA: '1', PATH: '/bin' });
  });

  it('keeps a child from colouring what it prints even when the caller forces colours', () => {
    const script = 'console.log(42, 4000000)';
    const forced = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, FORCE_COLOR: '1' }, encoding: 'utf8' });
    // The caller's setting would colour the numbers: the case childEnv exists for.
    expect(forced.stdout).not.toBe('42 4000000\n');
    const plain = spawnSync(process.execPath, ['-e', script], { env: childEnv({}, { ...process.env, FORCE_COLOR: '1' }), encoding: 'utf8' });
    expect(plain.stdout).toBe('42 4000000\n');
  });
});
