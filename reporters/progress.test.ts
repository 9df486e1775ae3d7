import { describe, expect, it, vi } from 'vitest';
import { ansi } from './color.ts';
import { Progress } from './progress.ts';

describe('Progress', () => {
  it('on a terminal redraws one live line in place: done/total, failures (new ones), the dialect running, elapsed', () => {
    let t = 0;
    const out: string[] = [];
    const p = new Progress({ total: 3, live: true, write: (s) => out.push(s), now: () => t });
    p.start();
    t = 100;
    p.started('aliyun-ecs');
    t = 1300;
    p.finished('aliyun-ecs', true, false);
    expect(out.at(-1)).toBe('\r\u001b[2Kvmconform 1/3 cases done, 1 failed (0 new), running aliyun-ecs, 1.3 s');
    t = 1310; // within 80 ms: not redrawn
    p.finished('aliyun-ecs', false);
    expect(out).toHaveLength(2);
    t = 2000;
    p.finished('aliyun-ecs', true);
    expect(out.at(-1)).toContain('3/3 cases done, 2 failed (1 new)');
    p.stop();
    expect(out.at(-1)).toBe('\r\u001b[2K');
  });

  it('elsewhere prints a plain line every interval, and nothing to erase', () => {
    vi.useFakeTimers();
    try {
      const out: string[] = [];
      const p = new Progress({ total: 10, live: false, write: (s) => out.push(s), intervalMs: 5000, now: () => Date.now() });
      p.start();
      p.started('zenlayer-vm');
      p.finished('zenlayer-vm', false);
      expect(out).toEqual([]);
      vi.advanceTimersByTime(5000);
      expect(out).toEqual(['1/10 cases done, 0 failed, running zenlayer-vm, 5.0 s\n']);
      vi.advanceTimersByTime(5000);
      expect(out).toHaveLength(2);
      p.stop();
      vi.advanceTimersByTime(10000);
      expect(out).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('colours the failures on a colour terminal', () => {
    const out: string[] = [];
    const p = new Progress({ total: 2, live: true, write: (s) => out.push(s), paint: ansi, now: () => 0 });
    p.finished('x', true);
    expect(out.at(-1)).toContain('\u001b[31m1 failed\u001b[39m');
  });
});
