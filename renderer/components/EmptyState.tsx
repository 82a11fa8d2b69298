import { Icon, type IconName } from './Icon';

export function EmptyState({ icon, title, body }: { icon: IconName; title: string; body: string }) {
  return (
    <div className="empty-state">
      <span className="empty-icon">
        <Icon name={icon} size={28} />
      </span>
      <h2 className="empty-title">{title}</h2>
      <p className="empty-body">{body}</p>
    </div>
  );
}
