/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import appCss from './app.css?raw';

/** Properties the compositor animates on its own; any other makes the page repaint every frame. */
const COMPOSITED = new Set(['transform', 'opacity']);

function styleSheet(): CSSStyleSheet {
  const style = document.createElement('style');
  style.textContent = appCss;
  document.head.append(style);
  const sheet = style.sheet;
  style.remove();
  if (!sheet) throw new Error('app.css did not parse');
  return sheet;
}

function keyframeRules(rules: CSSRuleList): CSSKeyframesRule[] {
  return [...rules].flatMap((rule) => {
    if (rule instanceof CSSKeyframesRule) return [rule];
    return rule instanceof CSSGroupingRule ? keyframeRules(rule.cssRules) : [];
  });
}

describe("the app's animations", () => {
  // A call can ring for half a minute, also as call waiting during another call: its pulse must not
  // redraw the page sixty times a second meanwhile.
  it('move only what the compositor draws without repainting the page', () => {
    const animations = keyframeRules(styleSheet().cssRules);
    expect(animations.map((rule) => rule.name)).toContain('ring-pulse');
    for (const animation of animations) {
      const animated = [...animation.cssRules].flatMap((frame) =>
        frame instanceof CSSKeyframeRule ? [...frame.style] : [],
      );
      expect(
        animated.filter((property) => !COMPOSITED.has(property)),
        animation.name,
      ).toEqual([]);
    }
  });
});
