import { fargateMemoryText, isFargateSize } from '../../lib/plan/limits';

/**
 * Fargate task sizes as AWS documents them
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size):
 * 256 CPU: 512 MiB, 1 GB, 2 GB; 512: 1–4 GB; 1024: 2–8 GB; 2048: 4–16 GB; 4096: 8–30 GB, in 1 GB
 * steps; 8192: 16–60 GB in 4 GB steps; 16384: 32–120 GB in 8 GB steps.
 */
describe('isFargateSize', () => {
  test.each([
    [256, 512],
    [256, 1024],
    [256, 2048],
    [512, 1024],
    [512, 4096],
    [1024, 2048],
    [1024, 5120],
    [1024, 8192],
    [2048, 16384],
    [4096, 30720],
    [8192, 16384],
    [8192, 20480],
    [8192, 61440],
    [16384, 32768],
    [16384, 40960],
    [16384, 122880],
  ])('%i CPU units with %i MiB runs', (cpu, memory) => {
    expect(isFargateSize(cpu, memory)).toBe(true);
  });

  test.each([
    [256, 3072],
    [256, 256],
    [512, 512],
    [512, 5120],
    [1024, 1024],
    [1024, 9216],
    [1024, 2560],
    [4096, 31744],
    [8192, 17408],
    [8192, 65536],
    [16384, 36864],
    [16384, 131072],
    [384, 1024],
  ])('%i CPU units with %i MiB does not', (cpu, memory) => {
    expect(isFargateSize(cpu, memory)).toBe(false);
  });
});

describe('fargateMemoryText', () => {
  test('lists the extra small size of 256 CPU units first', () => {
    expect(fargateMemoryText(256)).toBe('512, 1024 to 2048 in steps of 1024');
  });
  test('a range with its step', () => {
    expect(fargateMemoryText(8192)).toBe('16384 to 61440 in steps of 4096');
  });
  test('a CPU value Fargate does not offer has no sizes', () => {
    expect(fargateMemoryText(384)).toBe('none');
  });
});
