import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/** A dialog over the console; Escape or the close button closes it. */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  useEffect(() => {
    const key = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [props.onClose]);
  return (
    <div class="overlay">
      <div class={`modal${props.wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-label={props.title}>
        <div class="modal-title">
          <h2>{props.title}</h2>
          <button type="button" class="close" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}
