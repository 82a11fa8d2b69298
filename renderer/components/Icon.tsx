import {
  ArrowRightLeft,
  Check,
  ChevronDown,
  ChevronUp,
  Clock,
  ContactRound,
  Delete,
  Download,
  Grid3x3,
  Info,
  Keyboard,
  Lock,
  LogIn,
  Merge,
  Mic,
  MicOff,
  Moon,
  Pause,
  Pencil,
  Phone,
  PhoneIncoming,
  PhoneMissed,
  PhoneOff,
  PhoneOutgoing,
  Play,
  Settings,
  Shield,
  ShieldCheck,
  ShieldX,
  Star,
  Trash,
  Upload,
  UserRound,
  Volume2,
  X,
  type LucideIcon,
} from 'lucide-react';

/** Line icons (lucide), decorative: a text or an accessible name next to them names the control. */
const icons = {
  phone: Phone,
  hangup: PhoneOff,
  incoming: PhoneIncoming,
  outgoing: PhoneOutgoing,
  missed: PhoneMissed,
  history: Clock,
  contacts: ContactRound,
  person: UserRound,
  settings: Settings,
  signIn: LogIn,
  backspace: Delete,
  shield: Shield,
  shieldCheck: ShieldCheck,
  shieldAlert: ShieldX,
  lock: Lock,
  moon: Moon,
  mic: Mic,
  micOff: MicOff,
  hold: Pause,
  resume: Play,
  keypad: Grid3x3,
  transfer: ArrowRightLeft,
  merge: Merge,
  star: Star,
  edit: Pencil,
  delete: Trash,
  expand: ChevronDown,
  collapse: ChevronUp,
  info: Info,
  keyboard: Keyboard,
  speaker: Volume2,
  import: Upload,
  export: Download,
  close: X,
  check: Check,
} satisfies Record<string, LucideIcon>;

export type IconName = keyof typeof icons;

export function Icon({
  name,
  size = 20,
  filled = false,
}: {
  name: IconName;
  size?: number;
  filled?: boolean;
}) {
  const Glyph = icons[name];
  return (
    <Glyph
      aria-hidden="true"
      focusable="false"
      size={size}
      strokeWidth={1.8}
      fill={filled ? 'currentColor' : 'none'}
      className="icon"
    />
  );
}
