import { LogConsumer } from '@app/event-store';
import { liveProjections, ViewNames } from '@app/read-models';
import { LiveProjector } from './live-projector';

/** A consumer that records what it was asked, for the generation it was made for. */
function fakeConsumers() {
  const calls: string[] = [];
  const make = (names: ViewNames) => {
    const name = names.consumerName(liveProjections()[0]);
    return { handler: { name }, catchUp: async () => (calls.push(`catchUp ${name}`), 1), stop: async () => void calls.push(`stop ${name}`) } as unknown as LogConsumer;
  };
  return { calls, make };
}

describe('LiveProjector', () => {
  const projection = liveProjections()[0];

  it('runs the generation its alias names, and on a flip stops the old consumer before the new one starts', async () => {
    const names = ViewNames.of(liveProjections());
    const { calls, make } = fakeConsumers();
    const live = new LiveProjector(projection, names, make);
    await live.catchUp();
    names.follow(new Map([[projection.name, 'rabc']]));
    await live.catchUp();
    await live.catchUp();
    const v = `${projection.name}@${projection.version}`;
    expect(calls).toEqual([`catchUp ${v}`, `stop ${v}`, `catchUp ${v}_rabc`, `catchUp ${v}_rabc`]);
    expect(live.handler.name).toBe(`${v}_rabc`);
  });

  it('switches once when wake-ups come together', async () => {
    const names = ViewNames.of(liveProjections());
    const { calls, make } = fakeConsumers();
    const live = new LiveProjector(projection, names, make);
    names.follow(new Map([[projection.name, 'rdef']]));
    await Promise.all([live.catchUp(), live.catchUp(), live.catchUp()]);
    expect(calls.filter((c) => c.startsWith('stop'))).toHaveLength(1);
    await live.catchUp();
    expect(calls[calls.length - 1]).toBe(`catchUp ${projection.name}@${projection.version}_rdef`);
  });
});
