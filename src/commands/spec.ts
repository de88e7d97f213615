import { specification } from '../source.ts';
import { command } from './command.ts';
import { emit } from './messages.ts';

export const specCommand = command({ name: 'spec', summary: 'print the connector specification', flags: {} }, async () => {
  await emit({ type: 'SPEC', spec: specification });
  return 0;
});
