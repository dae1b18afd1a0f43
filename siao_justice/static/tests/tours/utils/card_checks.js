/**
 * On every card of the person board that carries the dry-exit badge, the
 * person's name is read whole (inside its card, not under the badge) and the
 * badge on one line (not squeezed beside a long name).
 */
export const namesWholeOnCards = {
    content: "The dry-exit badge leaves the name whole on every card",
    trigger: ".o_kanban_record .o_siao_risk",
    run() {
        const inside = (box, frame) => box.left >= frame.left - 1 && box.right <= frame.right + 1;
        for (const card of document.querySelectorAll(".o_kanban_record:has(.o_siao_risk)")) {
            const risk = card.querySelector(".o_siao_risk");
            const name = risk.parentElement.firstElementChild;
            const frame = card.getBoundingClientRect();
            const badge = risk.getBoundingClientRect();
            const box = name.getBoundingClientRect();
            const overlaps =
                box.right > badge.left &&
                badge.right > box.left &&
                box.bottom > badge.top &&
                badge.bottom > box.top;
            const style = getComputedStyle(risk);
            const lines =
                (risk.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) /
                (parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2);
            if (!inside(box, frame) || !inside(badge, frame) || overlaps || lines > 1.5) {
                throw new Error(`The name "${name.textContent}" is cut by the badge`);
            }
        }
    },
};
