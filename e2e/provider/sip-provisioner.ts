import { kamcmd, removeSipUser, setSipUser } from './kamailio.js';
import type { SipProvisioner } from './login-broker.js';

/**
 * Provisions the login broker's SIP credentials in the stack's Kamailio through its ctl socket: the user's
 * password goes into the auth htable (Kamailio checks digests against it), and on removal the password and
 * the user's registrations go, so withdrawn credentials neither register nor keep receiving calls.
 */
export function kamailioProvisioner(ctlSocket: string): SipProvisioner {
  return {
    add: (username, password) => setSipUser(ctlSocket, username, password),
    async remove(username) {
      await removeSipUser(ctlSocket, username);
      await kamcmd(ctlSocket, 'ul.rm', 'location', username);
    },
  };
}
