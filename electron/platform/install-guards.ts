import { app, net, protocol, session, shell } from 'electron';
import { pathToFileURL } from 'node:url';
import { appResponseHeaders, resolveAppAsset } from './app-protocol.js';
import { servePolicyInPage } from './csp.js';
import { decideNavigation, decideWindowOpen } from './navigation.js';
import { APP_SCHEME } from './origin.js';
import { isLocalNetworkPermission, type LocalNetworkGate } from './local-network.js';
import { decidePermissionCheck, decidePermissionRequest } from './permissions.js';

/**
 * Applies the decisions of this folder to Electron: the app:// handler with CSP, permission handlers,
 * and navigation, window-open and webview guards on every web contents. Call once, after `ready`.
 */
export function installGuards(options: {
  rendererDir: string;
  csp: () => string;
  localNetwork: LocalNetworkGate;
  /** Hosts whose https links open in the system browser (navigation.ts `externalHosts`). */
  externalHosts: () => readonly string[];
}): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const asset = resolveAppAsset(request.url, options.rendererDir);
    if (!asset) return new Response('Not found', { status: 404 });
    const file = await net.fetch(pathToFileURL(asset.filePath).toString());
    if (!file.ok) return new Response('Not found', { status: 404 });
    const csp = options.csp();
    // The page carries the policy in force in its meta tag too, so that it knows which servers it may reach.
    const body = asset.mimeType.startsWith('text/html')
      ? servePolicyInPage(await file.text(), csp)
      : file.body;
    return new Response(body, { status: 200, headers: appResponseHeaders(csp, asset.mimeType) });
  });

  const appSession = session.defaultSession;
  appSession.setPermissionRequestHandler((webContents, permission, callback, details) => {
    if (isLocalNetworkPermission(permission)) {
      options.localNetwork.request(permission, details.requestingUrl ?? webContents.getURL()).then(callback);
      return;
    }
    callback(
      decidePermissionRequest(
        permission,
        details.requestingUrl ?? webContents.getURL(),
        details as { mediaTypes?: string[] },
      ),
    );
  });
  appSession.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    isLocalNetworkPermission(permission)
      ? options.localNetwork.check(permission, requestingOrigin)
      : decidePermissionCheck(permission, requestingOrigin),
  );

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (decideNavigation(url) === 'deny') event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (decideNavigation(url) === 'deny') event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url, options.externalHosts());
      if (decision.openExternally) void shell.openExternal(url);
      return { action: decision.action };
    });
  });
}
