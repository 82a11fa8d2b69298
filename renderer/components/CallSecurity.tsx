import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/engine';
import { securityClaim } from '../phone/security-claim';
import { useCallPanelStore } from '../state/call-panel-store';
import { usePhoneStore } from '../state/phone-store';
import { Icon } from './Icon';

/** SRTP cipher suites as getStats names them, by what they are. */
const cipherNames: Record<string, string> = {
  AES_CM_128_HMAC_SHA1_80: 'aes128-sha1-80',
  SRTP_AES128_CM_SHA1_80: 'aes128-sha1-80',
  SRTP_AES128_CM_HMAC_SHA1_80: 'aes128-sha1-80',
  AES_CM_128_HMAC_SHA1_32: 'aes128-sha1-32',
  SRTP_AES128_CM_SHA1_32: 'aes128-sha1-32',
  AEAD_AES_128_GCM: 'aes128-gcm',
  SRTP_AEAD_AES_128_GCM: 'aes128-gcm',
  AEAD_AES_256_GCM: 'aes256-gcm',
  SRTP_AEAD_AES_256_GCM: 'aes256-gcm',
};

/** The security claim in plain words; pressing it shows the details. The security code stays beside it. */
export function SecurityBadge({ view }: { view: CallView }) {
  const { t } = useTranslation();
  const open = useCallPanelStore((s) => s.pane?.callId === view.id && s.pane.pane === 'details');
  const toggle = useCallPanelStore((s) => s.toggle);
  if (!view.encryption) return null;
  const claim = securityClaim(view);
  const icon =
    claim === 'code-mismatch' ? 'shieldAlert' : claim === 'verified-end-to-end' ? 'shieldCheck' : 'lock';
  return (
    <div className="call-security-row">
      <button
        type="button"
        className={`call-security-badge claim-${claim}`}
        aria-expanded={open}
        aria-controls={open ? `call-details-${view.id}` : undefined}
        onClick={() => toggle(view.id, 'details')}
      >
        <Icon name={icon} size={16} />
        <span>{t(`call.security.${claim}`)}</span>
        <span className="visually-hidden">{t('call.details.show')}</span>
        <Icon name={open ? 'collapse' : 'expand'} size={14} />
      </button>
      {view.sas && view.encryption.scope === 'peer' && (
        <span className="call-sas">
          <span aria-hidden="true">{t('call.sasShort')} </span>
          <strong className="sas-code" aria-hidden="true">
            {view.sas}
          </strong>
          <span className="visually-hidden">
            {t('call.sasLabel', { code: view.sas.split('').join(' ') })}
          </span>
        </span>
      )}
    </div>
  );
}

/** Asks both people to compare the security code by voice, until the person answered. */
export function SasComparison({ view }: { view: CallView }) {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine)();
  if (!view.sas || view.encryption?.scope !== 'peer') return null;
  if (view.sasMatched !== null)
    return (
      <p
        className={view.sasMatched ? 'feedback feedback-status' : 'feedback feedback-error'}
        role={view.sasMatched ? 'status' : 'alert'}
      >
        {view.sasMatched ? t('call.sasConfirmed') : t('call.sasWarning')}
      </p>
    );
  return (
    <div className="sas">
      <p className="hint">{t('call.sasPrompt')}</p>
      <div className="button-row">
        <button
          type="button"
          className="button button-secondary"
          onClick={() => engine.compareSas(view.id, true)}
        >
          {t('call.sasMatch')}
        </button>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => engine.compareSas(view.id, false)}
        >
          {t('call.sasMismatch')}
        </button>
      </div>
    </div>
  );
}

/** How the call is protected, for those who want to know: in words, with the fingerprints to compare. */
export function SecurityDetails({ view }: { view: CallView }) {
  const { t } = useTranslation();
  const encryption = view.encryption;
  if (!encryption) return null;
  const cipher = encryption.srtpCipher;
  const cipherKey = cipher ? cipherNames[cipher.toUpperCase()] : undefined;
  return (
    <dl id={`call-details-${view.id}`} className="call-details">
      <dt>{t('call.details.reach')}</dt>
      <dd>{t(`call.details.scope.${encryption.scope}`)}</dd>
      <dt>{t('call.details.keyExchange')}</dt>
      <dd>{t(`call.details.dtls.${encryption.dtlsState ?? 'unknown'}`)}</dd>
      <dt>{t('call.details.cipher')}</dt>
      <dd>{cipherKey ? t(`call.details.ciphers.${cipherKey}`) : (cipher ?? t('call.details.unknown'))}</dd>
      {view.fingerprints?.local && (
        <>
          <dt>{t('call.details.localFingerprint')}</dt>
          <dd className="fingerprint">{view.fingerprints.local}</dd>
        </>
      )}
      {view.fingerprints?.remote && (
        <>
          <dt>{t('call.details.remoteFingerprint')}</dt>
          <dd className="fingerprint">{view.fingerprints.remote}</dd>
        </>
      )}
      {view.quality && (
        <>
          <dt>{t('call.details.network')}</dt>
          <dd>
            {t('call.details.networkValues', {
              rtt: view.quality.rttMs ?? '–',
              jitter: view.quality.jitterMs,
              loss: view.quality.lossPercent,
            })}
          </dd>
        </>
      )}
    </dl>
  );
}
