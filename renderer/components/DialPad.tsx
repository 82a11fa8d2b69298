import { useTranslation } from 'react-i18next';

const keys: Array<{ key: string; letters: string }> = [
  { key: '1', letters: '' },
  { key: '2', letters: 'ABC' },
  { key: '3', letters: 'DEF' },
  { key: '4', letters: 'GHI' },
  { key: '5', letters: 'JKL' },
  { key: '6', letters: 'MNO' },
  { key: '7', letters: 'PQRS' },
  { key: '8', letters: 'TUV' },
  { key: '9', letters: 'WXYZ' },
  { key: '*', letters: '' },
  { key: '0', letters: '+' },
  { key: '#', letters: '' },
];

/** A phone's 3×4 keypad. Each key is a button named by its digit; a secondary click on 0 gives + (as does typing it). */
export function DialPad({ onKey, compact = false }: { onKey: (key: string) => void; compact?: boolean }) {
  const { t } = useTranslation();
  return (
    <div
      className={`dialpad ${compact ? 'dialpad-compact' : ''}`}
      role="group"
      aria-label={t('phone.dialpad')}
    >
      {keys.map(({ key, letters }) => (
        <button
          key={key}
          type="button"
          className="dial-key"
          onClick={() => onKey(key)}
          onContextMenu={(event) => {
            if (key !== '0') return;
            event.preventDefault();
            onKey('+');
          }}
        >
          <span className="dial-digit">{key}</span>
          <span className="dial-letters" aria-hidden="true">
            {letters || '\u00a0'}
          </span>
        </button>
      ))}
    </div>
  );
}
