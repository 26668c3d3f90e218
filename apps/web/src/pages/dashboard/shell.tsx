import { NavLink, Outlet } from 'react-router';
import { DASHBOARD_NAV } from '@/nav';
import { cn } from '@/lib/cn';

/** The dashboard area: its tab navigation (a row that scrolls sideways on a phone) above the page. */
export default function DashboardShell() {
  return (
    <div>
      <nav aria-label="Dashboard" className="-mx-4 mb-6 overflow-x-auto border-b border-slate-200 px-4 sm:mx-0 sm:px-0">
        <ul className="flex min-w-max gap-1">
          {DASHBOARD_NAV.map((item) => (
            <li key={item.to}>
              <NavLink
                to={item.to}
                end={item.end}
                className={({ isActive }) =>
                  cn(
                    '-mb-px inline-flex h-10 items-center border-b-2 px-3 text-sm font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-600',
                    isActive ? 'border-indigo-700 text-indigo-800' : 'border-transparent text-slate-700 hover:border-slate-300 hover:text-slate-900',
                  )
                }
              >
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
