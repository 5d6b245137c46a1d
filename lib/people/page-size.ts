/** How many people Admin → People lists on one page. */
export const PEOPLE_PAGE_SIZE = 50;
