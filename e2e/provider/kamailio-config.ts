/** The SIP domain and digest realm of the test stack's users: sip:alice@softphone.test. */
export const SIP_DOMAIN = 'softphone.test';

export interface KamailioConfigOptions {
  wssPort: number;
  udpPort: number;
  /** SIP over TLS (RFC 3261 `sips`/`transport=tls`), for phones that sign in over TLS. */
  sipTlsPort: number;
  ctlSocket: string;
  /** Where sipdump writes every SIP message the edge receives and sends, after TLS (`sipdump-*.data`). */
  sipdumpDir: string;
  tlsConfigPath: string;
  modulesDir: string;
  /**
   * rtpengine's NG control socket (`udp:127.0.0.1:PORT`): when given, calls between a WebRTC client and a
   * SIP phone are bridged through it. Calls between two WebRTC clients never touch it (their SDP is
   * relayed untouched), nor does any call on an edge without it.
   */
  rtpengineSocket?: string;
}

/**
 * rtpengine flags for an SDP on its way to a WebRTC client: the set rtpengine's documentation gives for
 * WebRTC (its `WebRTC` alias in later releases: UDP/TLS/RTP/SAVPF, ICE, trickle ICE, rtcp-mux offered and
 * required, no a=rtcp, no SDES, a=mid), rtpengine as the passive DTLS end (as Kamailio's WebRTC examples
 * have it, `DTLS=passive`), and the origin and connection lines rewritten (Kamailio's examples).
 */
export const RTPENGINE_TO_WEBRTC =
  'UDP/TLS/RTP/SAVPF ICE=force trickle-ICE rtcp-mux-offer rtcp-mux-require no-rtcp-attribute SDES-off generate-mid DTLS=passive replace-origin replace-session-connection';
/**
 * rtpengine flags for an SDP on its way to a plain-RTP phone: RTP/AVP without ICE (Kamailio's examples).
 * `rtcp-mux-demux` (rtpengine's documentation): the phone is not offered the rtcp-mux a WebRTC caller
 * offered, and rtcp-mux is accepted back to that caller whatever the phone answers (a WebRTC client
 * requires it, a phone may not support it). `DTLS-reverse=passive` (same): towards the WebRTC caller, whose
 * offer rtpengine sees before there is an answer, rtpengine stays the passive DTLS end as its answer will
 * say (`DTLS=passive`), instead of sending ClientHellos the caller cannot take yet (the handshake then
 * waited for the caller's retransmissions, 30 s and more).
 */
export const RTPENGINE_TO_RTP =
  'RTP/AVP ICE=remove rtcp-mux-demux DTLS-reverse=passive replace-origin replace-session-connection';
/**
 * rtpengine flags for an SDP on its way to a phone that signals over TLS: SRTP with SDES keys, no ICE.
 * `SDES-pad` (rtpengine's documentation: RFC 4568 is ambiguous about base64 padding): keys keep their
 * trailing "=", which phones such as baresip 1.0 need (unpadded, it read an AEAD_AES_256_GCM key as 42
 * bytes instead of 44 and could not decrypt a packet).
 */
export const RTPENGINE_TO_SDES =
  'RTP/SAVP ICE=remove rtcp-mux-demux DTLS-reverse=passive SDES-pad replace-origin replace-session-connection';

/**
 * The media bridge, rtpengine_manage() as Kamailio's rtpengine module documents it (the body is rewritten in
 * place). A call is bridged when exactly one side speaks WebSocket (a WebRTC client) and the other is a SIP
 * phone; calls between two WebRTC clients (and between two phones) are relayed with their SDP untouched.
 * The initial INVITE decides it, and the phone's media profile (SDES-SRTP when it signals over TLS, plain
 * RTP otherwise) rides in the Record-Route (";mb=rtp" or ";mb=sdes") for the later requests of the dialog,
 * and in a transaction flag and AVP for the replies. Every SDP of a bridged dialog goes through rtpengine
 * with the flags of its recipient, which is the other kind of client than the one that sent it.
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
  if ($var(from_ws) == $var(to_ws)) {
    return;
  }
  # The phone's side: the caller when the call comes from a phone, the callee otherwise.
  $var(phone_tls) = 0;
  if ($var(from_ws) == 0 && $proto == "tls") {
    $var(phone_tls) = 1;
  }
  if ($var(from_ws) == 1 && ($ru =~ ";transport=tls" || ($du != $null && $du =~ ";transport=tls"))) {
    $var(phone_tls) = 1;
  }
  if ($var(phone_tls) == 1) {
    $avp(mb) = "sdes";
    add_rr_param(";mb=sdes");
  } else {
    $avp(mb) = "rtp";
    add_rr_param(";mb=rtp");
  }
  xlog("L_NOTICE", "bridging media of $ci through rtpengine (from ws: $var(from_ws), phone: $avp(mb))\n");
  setflag(FLT_BRIDGE);
  setflag(FLT_BRIDGE_NEW);
  t_on_failure("BRIDGE_FAILURE");
  route(BRIDGE);
}

# An in-dialog request of a bridged dialog.
route[BRIDGE_WITHINDLG] {
  if (check_route_param("mb=sdes")) {
    $avp(mb) = "sdes";
  } else if (check_route_param("mb=rtp")) {
    $avp(mb) = "rtp";
  } else {
    return;
  }
  setflag(FLT_BRIDGE);
  route(BRIDGE);
}

# A message of a bridged dialog: rtpengine_manage() offers, answers or deletes as the message is. An SDP goes
# to the other kind of client than the one that sent it (from a WebSocket client to the phone, and back).
# The media session ends with a BYE, or with a failed call (not with a failed re-INVITE: the call goes on).
route[BRIDGE] {
  if (!isflagset(FLT_BRIDGE)) {
    return;
  }
  if (is_request() && is_method("BYE")) {
    rtpengine_manage();
    return;
  }
  if (is_reply() && $rs >= 300) {
    if (isflagset(FLT_BRIDGE_NEW)) {
      rtpengine_manage();
    }
    return;
  }
  if (!has_body("application/sdp")) {
    return;
  }
  if ($proto == "ws" || $proto == "wss") {
    if ($avp(mb) == "sdes") {
      rtpengine_manage("${RTPENGINE_TO_SDES}");
    } else {
      rtpengine_manage("${RTPENGINE_TO_RTP}");
    }
  } else {
    rtpengine_manage("${RTPENGINE_TO_WEBRTC}");
  }
}

# A bridged call that got no answer at all (a timeout here): its media session ends.
failure_route[BRIDGE_FAILURE] {
  if (t_branch_timeout()) {
    rtpengine_manage();
  }
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
#!define FLT_BRIDGE_NEW 6
debug=2
log_stderror=yes
log_prefix="{$mt $hdr(CSeq) $ci} "
children=2
tcp_children=2
auto_aliases=no
listen=tls:127.0.0.1:${o.wssPort}
listen=udp:127.0.0.1:${o.udpPort}
listen=tls:127.0.0.1:${o.sipTlsPort}
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
loadmodule "sipdump.so"
${bridge ? 'loadmodule "rtpengine.so"' : ''}

modparam("ctl", "binrpc", "unix:${o.ctlSocket}")
modparam("tls", "config", "${o.tlsConfigPath}")
modparam("htable", "htable", "auth=>size=8;")
modparam("usrloc", "db_mode", 0)
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("registrar", "max_expires", 3600)
# No GRUUs, as in Kamailio's default configuration and its WebRTC examples: this edge does not route
# requests to a GRUU it would hand out (a phone that used one as its Contact was unreachable in-dialog).
modparam("registrar", "gruu_enabled", 0)
modparam("rr", "enable_double_rr", 1)
modparam("websocket", "keepalive_mechanism", 0)
# The SIP trace (as a provider's capture would have it): every message, read by failed specs.
modparam("sipdump", "enable", 1)
modparam("sipdump", "mode", 1)
modparam("sipdump", "folder", "${o.sipdumpDir}")
modparam("sipdump", "fprefix", "sipdump-")
${bridge ? `modparam("rtpengine", "rtpengine_sock", "${o.rtpengineSocket}")` : ''}

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
  # WebSocket clients, and clients whose Contact is not where they send from (a TLS phone's connection):
  # remember where they really are (Kamailio's WebRTC example, NATDETECT).
  if (nat_uac_test("83")) {
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
    ? `    route(BRIDGE_WITHINDLG);
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
  if (nat_uac_test("83")) {
    add_contact_alias();
  }
${bridge ? '  route(BRIDGE);\n' : ''}}
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
