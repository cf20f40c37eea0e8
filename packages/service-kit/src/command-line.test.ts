import { describe, expect, it } from 'vitest';
import { parseCommandLine, usageOf } from './command-line.ts';

const spec = {
  name: 'things:do',
  synopsis: ['add --name N [--yes]', 'list'],
  description: 'Does things.',
  optionHelp: ['--name N   the thing'],
  options: { name: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
  positionals: { min: 1, max: 1 },
} as const;

describe('command line', () => {
  it('answers --help and -h with the usage, the description and the options, whatever else is given', () => {
    for (const argv of [['--help'], ['-h'], ['add', '--bogus', '--help']]) {
      const line = parseCommandLine(spec, argv);
      expect(line.kind).toBe('help');
      expect(line.kind === 'help' && line.text).toBe(
        'usage: pnpm things:do add --name N [--yes]\n       pnpm things:do list\n\nDoes things.\n\noptions:\n' +
          '  --name N   the thing\n  -h, --help   print this help and exit\n',
      );
    }
  });

  it('refuses an unknown option, a surplus argument and a missing one, naming it, with the usage', () => {
    const unknown = parseCommandLine(spec, ['add', '--nmae', 'x']);
    expect(unknown.kind).toBe('usage-error');
    expect(unknown.kind === 'usage-error' && unknown.text).toMatch(/^things:do: Unknown option '--nmae'/);
    expect(unknown.kind === 'usage-error' && unknown.text).toContain(usageOf(spec));
    const surplus = parseCommandLine(spec, ['add', 'extra']);
    expect(surplus.kind === 'usage-error' && surplus.text).toMatch(/^things:do: unexpected argument "extra"/);
    expect(parseCommandLine(spec, []).kind).toBe('usage-error');
    expect(parseCommandLine({ name: 'x', synopsis: '', description: '' }, ['now']).kind).toBe('usage-error');
  });

  it('reads options and positionals, and ignores the separator pnpm passes on', () => {
    const line = parseCommandLine(spec, ['--', 'add', '--name', 'n', '-y']);
    expect(line).toEqual({ kind: 'run', values: { name: 'n', yes: true }, positionals: ['add'] });
  });
});
