import { beforeEach, describe, expect, it } from 'vitest';
import { callView, phoneDouble } from '../../testing/phone/phone-double';
import { useCallPanelStore } from './call-panel-store';
import { actionOfKey, performCallAction } from './call-shortcuts';
import { usePhoneStore } from './phone-store';

const phone = phoneDouble();
const key = (letter: string, modifiers: Partial<KeyboardEvent> = {}) => ({
  key: letter,
  ctrlKey: true,
  shiftKey: true,
  metaKey: false,
  altKey: false,
  ...modifiers,
});

beforeEach(() => {
  for (const spy of Object.values(phone)) if (typeof spy === 'function') spy.mockClear();
  useCallPanelStore.setState({ selectedId: null, pane: null });
});

describe('actionOfKey', () => {
  it('knows Ctrl+Shift and a letter, and nothing without both modifiers', () => {
    expect(actionOfKey(key('A'))).toBe('answer');
    expect(actionOfKey(key('m'))).toBe('mute');
    expect(actionOfKey(key('E'))).toBe('hangup');
    expect(actionOfKey(key('M', { shiftKey: false }))).toBeNull();
    expect(actionOfKey(key('M', { altKey: true }))).toBeNull();
    expect(actionOfKey(key('Q'))).toBeNull();
  });
});

describe('performCallAction', () => {
  it('answers and declines the ringing call, and acts on the call being talked on', () => {
    const talking = callView({ id: 'talking', state: 'active', direction: 'outgoing', answeredAt: 1 });
    const waiting = callView({ id: 'waiting', state: 'incoming' });
    usePhoneStore.setState({ engine: () => phone, calls: [talking, waiting] });

    expect(performCallAction('answer')).toBe(true);
    expect(phone.answer).toHaveBeenCalledWith('waiting');
    performCallAction('decline');
    expect(phone.decline).toHaveBeenCalledWith('waiting');
    performCallAction('mute');
    expect(phone.setMuted).toHaveBeenCalledWith('talking', true);
    performCallAction('hold');
    expect(phone.setHold).toHaveBeenCalledWith('talking', true);
    performCallAction('keypad');
    expect(useCallPanelStore.getState().pane).toEqual({ callId: 'talking', pane: 'keypad' });
    performCallAction('hangup');
    expect(phone.hangup).toHaveBeenCalledWith('talking');
  });

  it('hangs up a call that only rings by declining it, and does nothing without calls', () => {
    usePhoneStore.setState({ engine: () => phone, calls: [callView({ id: 'ringing', state: 'incoming' })] });
    performCallAction('hangup');
    expect(phone.decline).toHaveBeenCalledWith('ringing');
    expect(performCallAction('mute')).toBe(false);
    usePhoneStore.setState({ calls: [] });
    expect(performCallAction('answer')).toBe(false);
    expect(performCallAction('hangup')).toBe(false);
  });
});
