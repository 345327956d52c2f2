import { nodeVersionProblem } from './node-version';

describe('the Node version check', () => {
  it.each(['20.19.0', '20.20.2', 'v20.19.1', '22.12.0', '22.20.0', '23.0.0', '24.3.1'])('%s runs the app', (v) => {
    expect(nodeVersionProblem(v)).toBeNull();
  });

  it.each(['18.20.4', '20.0.0', '20.18.3', '21.7.3', '22.0.0', '22.11.0'])('%s is refused, saying what is needed', (v) => {
    expect(nodeVersionProblem(v)).toBe(`Node.js 20.19 or later is needed (22.12 or later on the 22 line); this is ${v}`);
  });
});
