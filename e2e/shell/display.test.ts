import { describe, expect, it } from 'vitest';
import { reachableScreen, virtualScreenNote } from './display.js';

const sockets =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe('where the app window can show', () => {
  it('uses a local X display or a Wayland socket that exists', () => {
    expect(reachableScreen({ DISPLAY: ':0', SOFTPHONE_IN_NETNS: '1' }, sockets('/tmp/.X11-unix/X0'))).toEqual(
      {
        name: 'display :0',
        chromiumArgs: [],
      },
    );
    expect(
      reachableScreen(
        { WAYLAND_DISPLAY: 'wayland-0', XDG_RUNTIME_DIR: '/run/user/1000' },
        sockets('/run/user/1000/wayland-0'),
      ),
    ).toEqual({ name: 'Wayland wayland-0', chromiumArgs: ['--ozone-platform=wayland'] });
  });

  it('says why there is no screen to show the window on', () => {
    expect(reachableScreen({}, sockets())).toEqual({
      reason: 'this session has no display (DISPLAY is not set)',
    });
    expect(reachableScreen({ DISPLAY: ':3', SOFTPHONE_IN_NETNS: '1' }, sockets())).toEqual({
      reason: 'the display :3 has no socket in /tmp/.X11-unix (is its X server running?)',
    });
    // ssh -X forwards the display over TCP: out of reach in a loopback-only network namespace, fine outside one.
    expect(reachableScreen({ DISPLAY: 'localhost:10.0', SOFTPHONE_IN_NETNS: '1' }, sockets())).toMatchObject({
      reason: expect.stringContaining('reached over the network (as with ssh -X)'),
    });
    expect(reachableScreen({ DISPLAY: 'localhost:10.0' }, sockets())).toEqual({
      name: 'display localhost:10.0',
      chromiumArgs: [],
    });
  });

  it('tells how to see a virtual screen anyway', () => {
    const note = virtualScreenNote(
      { name: ':7', reason: 'this session has no display' },
      'npm run demo -- --screenshot app.png',
    );
    expect(note).toContain(
      'No window to show: this session has no display. The app runs on a virtual screen (Xvfb :7)',
    );
    expect(note).toContain('x11vnc -display :7 -localhost -nopw');
    expect(note).toContain('A picture of the window now: npm run demo -- --screenshot app.png');
  });
});
