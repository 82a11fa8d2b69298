/** The SIP domain and digest realm of the test stack's users: sip:alice@softphone.test. */
export const SIP_DOMAIN = 'softphone.test';

export interface KamailioConfigOptions {
  wssPort: number;
  udpPort: number;
  ctlSocket: string;
  tlsConfigPath: string;
  modulesDir: string;
  /**
   * rtpengine's NG control socket (`udp:127.0.0.1:PORT`): when given, calls between a WebRTC client and a
   * plain-RTP UDP client are bridged through it. Calls between two WebRTC clients never touch it.
   */
  rtpengineSocket?: string;
}

/**
 * rtpengine flags for an SDP on its way to a WebRTC client (FIELD-NOTES): ICE, DTLS-SRTP with rtpengine
 * as the passive DTLS end, the SAVPF profile, RTCP multiplexed on the RTP port, no SDES keys, a=mid.
 */
export const RTPENGINE_TO_WEBRTC =
  'ICE=force DTLS=passive UDP/TLS/RTP/SAVPF rtcp-mux-offer rtcp-mux-require SDES-off generate-mid replace-origin replace-session-connection';
/**
 * rtpengine flags for an SDP on its way to a plain-RTP phone: RTP/AVP (no SRTP, so neither DTLS nor SDES
 * is offered), no ICE, RTCP on its own port. Not `DTLS=off`: in an offer from a WebRTC client it also
 * stops rtpengine from accepting that client's DTLS, and the call has no keys on the WebRTC side.
 */
export const RTPENGINE_TO_RTP =
  'RTP/AVP ICE=remove SDES-off rtcp-mux-demux replace-origin replace-session-connection';

/**
 * The media bridge: a call is bridged when exactly one side speaks WebSocket (a WebRTC client) and the
 * other is a UDP contact (an RTP phone). The initial INVITE decides it from its source transport and the
 * destination the registrar found; the decision rides in the Record-Route (";mb=1") for every later
 * request of the dialog and in a transaction flag for the replies. Every SDP of a bridged dialog then goes
 * through rtpengine with the flags of its recipient, which is the opposite kind of the side it came from.
 */
function bridgeRoutes(): string {
  return `
route[BRIDGE_DECIDE] {
  if (!is_method("INVITE")) {
    return;
  }
  $var(from_ws) = 0;
  if ($proto == "ws" || $proto == "wss") {
    $var(from_ws) = 1;
  }
  $var(to_ws) = 0;
  if ($ru =~ ";transport=wss?" || ($du != $null && $du =~ ";transport=wss?")) {
    $var(to_ws) = 1;
  }
  if ($var(from_ws) != $var(to_ws)) {
    xlog("L_NOTICE", "bridging media of $ci through rtpengine (from ws: $var(from_ws))\n");
    setflag(FLT_BRIDGE);
    add_rr_param(";mb=1");
    route(BRIDGE_MEDIA);
  }
}

# A request of a bridged dialog: BYE ends the media session, an SDP goes to the other kind of client.
route[BRIDGE_MEDIA] {
  if (is_method("BYE")) {
    rtpengine_delete();
    return;
  }
  route(BRIDGE_SDP);
}

# A reply of a bridged transaction: its SDP goes to the caller, the other kind of client than the
# callee that sent it. A failed INVITE ends the media session.
route[BRIDGE_REPLY] {
  if (!isflagset(FLT_BRIDGE)) {
    return;
  }
  if ($rs >= 300 && is_method("INVITE")) {
    rtpengine_delete();
    return;
  }
  route(BRIDGE_SDP);
}

# An SDP goes to the other kind of client than the one that sent it (a message from a WebSocket client
# goes to a plain SIP one, and the other way round). rtpengine rewrites it into $var(rtpe_sdp)
# (write_sdp_pv), and the body is replaced from there.
route[BRIDGE_SDP] {
  if (!has_body("application/sdp")) {
    return;
  }
  $var(to_webrtc) = 1;
  if ($proto == "ws" || $proto == "wss") {
    $var(to_webrtc) = 0;
  }
  $var(rtpe_sdp) = "";
  if ($var(to_webrtc) == 1) {
    rtpengine_manage("${RTPENGINE_TO_WEBRTC}");
  } else {
    rtpengine_manage("${RTPENGINE_TO_RTP}");
  }
  if ($(var(rtpe_sdp){s.len}) == 0) {
    xlog("L_ERR", "rtpengine returned no SDP for $ci\n");
    return;
  }
  set_body("$var(rtpe_sdp)", "application/sdp");
}
`;
}

/**
 * Kamailio as the provider's SIP edge: SIP over secure WebSocket (RFC 7118) on 127.0.0.1 only, an
 * in-memory registrar, digest auth against passwords in an htable that tests fill through the ctl
 * socket, record-routing, and the NAT helpers WebSocket clients need (their Contacts are not reachable
 * addresses).
 */
export function kamailioConfig(o: KamailioConfigOptions): string {
  const bridge = o.rtpengineSocket !== undefined;
  return `#!KAMAILIO
#!define FLT_BRIDGE 5
debug=2
log_stderror=yes
log_prefix="{$mt $hdr(CSeq) $ci} "
children=2
tcp_children=2
auto_aliases=no
listen=tls:127.0.0.1:${o.wssPort}
listen=udp:127.0.0.1:${o.udpPort}
alias="${SIP_DOMAIN}"
enable_tls=yes
tcp_accept_no_cl=yes
tcp_connection_lifetime=3605
dns=no
rev_dns=no
use_dns_cache=no

mpath="${o.modulesDir}"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "ctl.so"
loadmodule "htable.so"
loadmodule "auth.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "nathelper.so"
loadmodule "tls.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"
${bridge ? 'loadmodule "rtpengine.so"' : ''}

modparam("ctl", "binrpc", "unix:${o.ctlSocket}")
modparam("tls", "config", "${o.tlsConfigPath}")
modparam("htable", "htable", "auth=>size=8;")
modparam("usrloc", "db_mode", 0)
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("registrar", "max_expires", 3600)
modparam("rr", "enable_double_rr", 1)
modparam("websocket", "keepalive_mechanism", 0)
${
  bridge
    ? `modparam("rtpengine", "rtpengine_sock", "${o.rtpengineSocket}")
modparam("rtpengine", "write_sdp_pv", "$var(rtpe_sdp)")`
    : ''
}

request_route {
  # One line per request in the run's kamailio.log, for reading a failed spec.
  xlog("L_NOTICE", "request $rm $ru from $proto:$si:$sp\n");
  if (!mf_process_maxfwd_header("10")) {
    sl_send_reply("483", "Too Many Hops");
    exit;
  }
  if (!sanity_check("17895", "7")) {
    exit;
  }
  # WebSocket (and other unreachable) clients: remember where they really are.
  if (nat_uac_test("64")) {
    force_rport();
    if (is_method("REGISTER")) {
      fix_nated_register();
    } else if (!add_contact_alias()) {
      sl_send_reply("400", "Bad Contact");
      exit;
    }
  }
  if (has_totag()) {
    route(WITHINDLG);
    exit;
  }
  if (is_method("CANCEL")) {
    if (t_check_trans()) {
      route(RELAY);
    }
    exit;
  }
  if (is_method("ACK")) {
    exit;
  }
  t_check_trans();
  if (is_method("REGISTER")) {
    route(REGISTRAR);
    exit;
  }
  if (from_uri == myself) {
    route(AUTH);
  }
  if (uri != myself) {
    sl_send_reply("403", "Relaying Forbidden");
    exit;
  }
  if (is_method("INVITE|SUBSCRIBE|REFER")) {
    record_route();
  }
  if (is_method("INVITE") && has_body("application/sdp")) {
    # The edge terminates TLS, so it sees the SDP: logged for the specs that check the offer.
    xlog("L_NOTICE", "sdp-offer $ci $(rb{s.encode.hexa})\n");
  }
  route(LOCATION);
}

route[WITHINDLG] {
  if (loose_route()) {
    if (!handle_ruri_alias()) {
      sl_send_reply("400", "Bad Alias");
      exit;
    }
${
  bridge
    ? `    if (check_route_param("mb=1")) {
      setflag(FLT_BRIDGE);
      route(BRIDGE_MEDIA);
    }
`
    : ''
}    route(RELAY);
    exit;
  }
  if (is_method("ACK")) {
    if (t_check_trans()) {
      route(RELAY);
    }
    exit;
  }
  sl_send_reply("404", "Not Here");
  exit;
}

route[AUTH] {
  if (!pv_auth_check("$fd", "$sht(auth=>$fU)", "0", "1")) {
    auth_challenge("$fd", "1");
    exit;
  }
  consume_credentials();
}

route[REGISTRAR] {
  if (!pv_auth_check("$td", "$sht(auth=>$tU)", "0", "1")) {
    auth_challenge("$td", "1");
    exit;
  }
  consume_credentials();
  if (!save("location")) {
    sl_reply_error();
  }
  exit;
}

route[LOCATION] {
  if (!lookup("location")) {
    sl_send_reply("480", "Temporarily Unavailable");
    exit;
  }
${bridge ? '  route(BRIDGE_DECIDE);\n' : ''}  route(RELAY);
}

route[RELAY] {
  if (is_method("INVITE|BYE|UPDATE|REFER|NOTIFY|SUBSCRIBE|INFO|PRACK")) {
    t_on_reply("REPLY");
  }
  if (!t_relay()) {
    sl_reply_error();
  }
  exit;
}

onreply_route[REPLY] {
  xlog("L_NOTICE", "reply $rs $rm from $proto:$si:$sp\n");
  if (nat_uac_test("64")) {
    add_contact_alias();
  }
${bridge ? '  route(BRIDGE_REPLY);\n' : ''}}
${bridge ? bridgeRoutes() : ''}
event_route[xhttp:request] {
  set_reply_close();
  set_reply_no_connect();
  if ($Rp != ${o.wssPort}) {
    xhttp_reply("403", "Forbidden", "", "");
    exit;
  }
  if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
    if (ws_handle_handshake()) {
      exit;
    }
  }
  xhttp_reply("404", "Not Found", "", "");
}
`;
}

export function tlsConfig(certificate: string, privateKey: string): string {
  return `[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = ${certificate}
private_key = ${privateKey}

[client:default]
method = TLSv1.2+
verify_certificate = yes
require_certificate = yes
`;
}
